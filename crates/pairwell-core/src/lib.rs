//! pairwell-core: pairs people for mentoring, sponsoring and reverse mentoring, and proves the
//! pairing optimal.
//!
//! - [`solve`]: the exact assignment solver (shortest augmenting path with dual potentials),
//!   with capacities, forbidden pairs, an unmatched-allowed mode and an optimality certificate.
//! - [`people`]: the people schema, written once: fields, cell checks, every problem at once.
//! - [`cohort`]: people records and the validated organisation they form.
//! - [`program`]: the three programs, their presets and the config that overrides them.
//! - [`score`]: the five score components of a giver → receiver pair.
//! - [`criteria`]: custom criteria from columns of the people table, and preferences.
//! - [`rules`]: the hard rules that forbid pairs.
//! - [`matching`]: the engine: [`matching::match_people`] and its explained, certified result,
//!   solved densely or on a candidate graph of each person's best partners with pricing.
//! - [`floors`]: at least so many receivers of each group matched, exactly.
//! - [`rematch`]: matching again after people joined or left, keeping the previous pairs.
//! - [`recommend`]: each person's best partners, ranked, with the exact regret of each.
//! - [`groups`]: many independent cohorts matched in one call, in parallel.
//! - [`baselines`], [`metrics`]: greedy, random and stable matchings, and how each compares.
//! - [`sample`]: seeded synthetic organisations, for demos and benchmarks.
//! - [`rng`]: the seeded generator behind sample cohorts and the random baseline.
//! - [`cancel`]: cooperative cancellation of long computations (Ctrl-C in Python).
//! - [`memory`]: fallible allocation of the buffers that grow with the input.
//!
//! This crate has no Python in it; `pairwell-py` wraps it.

pub mod baselines;
pub mod cancel;
mod candidates;
pub mod cohort;
pub mod criteria;
pub mod floors;
pub mod groups;
pub mod matching;
pub mod memory;
pub mod metrics;
pub mod people;
pub mod program;
pub mod recommend;
pub mod rematch;
pub mod rng;
pub mod rules;
pub mod sample;
pub mod score;
pub mod solve;

/// The examples of the crate's README, run as doc tests so they stay true.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
