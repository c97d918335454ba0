//! pairwell-core: pairs people for mentoring, sponsoring and reverse mentoring, and proves the
//! pairing optimal.
//!
//! - [`solve`]: the exact assignment solver (shortest augmenting path with dual potentials),
//!   with capacities, forbidden pairs, an unmatched-allowed mode and an optimality certificate.
//!
//! This crate has no Python in it; `pairwell-py` wraps it.

pub mod cohort;
pub mod solve;
