//! The Python binding of pairwell-core: converts inputs, maps errors, releases the GIL.
//!
//! Every function here is a thin wrapper: it pulls arguments into Rust values, runs the core
//! through `compute::run` (without the GIL, fork-safe, interruptible by Ctrl-C), and maps core
//! errors onto the exception classes of `errors`. The public API lives in
//! `python/pairwell`.

mod arrow;
mod compute;
mod errors;
mod groups;
mod matching;
mod people;
mod sample;
mod solve;
mod sparse;

use pyo3::prelude::*;

/// Every allocation of the extension (people cells, candidate lists, solver buffers).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The native module `pairwell._core`.
#[pymodule]
fn _core(m: &Bound<'_, PyModule>) -> PyResult<()> {
    errors::register(m)?;
    solve::register(m)?;
    sparse::register(m)?;
    matching::register(m)?;
    people::register(m)?;
    arrow::register(m)?;
    groups::register(m)?;
    sample::register(m)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
