//! Running core computations from Python: without the GIL, on a thread pool of this process,
//! and interruptible by Ctrl-C. Every native call that computes goes through [`run`].
//!
//! - The GIL is released, so other Python threads run meanwhile.
//! - The work runs on a rayon pool owned by the current process. A forked child
//!   (`multiprocessing`'s fork start method, gunicorn `--preload`, Celery's prefork pool)
//!   inherits the parent's pool but none of its threads, and would wait for them forever; the
//!   pool is therefore keyed by process id, and a child builds its own on first use. Its size
//!   follows `RAYON_NUM_THREADS`, else the number of cores.
//! - While the work runs, the calling thread wakes every [`POLL`] to let Python run its signal
//!   handlers. When one raises (Ctrl-C raises `KeyboardInterrupt`), the work's
//!   [cancellation token](pairwell_core::cancel) is cancelled, the work stops at its next
//!   checkpoint, and the handler's exception is raised. Nothing is left running or half-built,
//!   so the next call works as usual.

use std::panic::{self, AssertUnwindSafe};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use pairwell_core::cancel::Token;
use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use rayon::{ThreadPool, ThreadPoolBuilder};

/// How often a waiting call lets Python handle signals: Ctrl-C takes effect within this, plus
/// the time the work needs to reach its next checkpoint.
const POLL: Duration = Duration::from_millis(50);

/// The pool and the id of the process that built it.
static POOL: Mutex<Option<(u32, Arc<ThreadPool>)>> = Mutex::new(None);

/// This process's pool, built on first use (again in a forked child).
fn pool() -> PyResult<Arc<ThreadPool>> {
    let pid = std::process::id();
    let mut slot = POOL.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some((owner, pool)) = slot.as_ref() {
        if *owner == pid {
            return Ok(Arc::clone(pool));
        }
    }
    // Inherited through fork: its threads do not exist in this process, and dropping it would
    // wait on them, so it is leaked (once per fork).
    if let Some(inherited) = slot.take() {
        std::mem::forget(inherited);
    }
    let pool = ThreadPoolBuilder::new()
        .thread_name(|i| format!("pairwell-{i}"))
        .build()
        .map_err(|e| PyRuntimeError::new_err(format!("pairwell could not start its worker threads: {e}")))?;
    let pool = Arc::new(pool);
    *slot = Some((pid, Arc::clone(&pool)));
    Ok(pool)
}

/// Runs `work` off the GIL on this process's pool, with a cancellation token installed, and
/// returns its result; raises the exception of a Python signal handler (`KeyboardInterrupt`)
/// that fired meanwhile, once the work has stopped.
///
/// A panic in `work` is a bug in pairwell; it becomes a `RuntimeError` that says so rather
/// than a `PanicException`, which `except Exception` would not catch.
pub(crate) fn run<T: Send>(py: Python<'_>, work: impl FnOnce() -> T + Send) -> PyResult<T> {
    let pool = pool()?;
    let token = Token::new();
    let mut interrupt: Option<PyErr> = None;
    let outcome = py.detach(|| {
        let (done, finished) = mpsc::channel();
        pool.in_place_scope(|scope| {
            scope.spawn(|_| {
                let outcome = panic::catch_unwind(AssertUnwindSafe(|| token.scope(work)));
                // The receiver outlives the scope, so this cannot fail.
                let _ = done.send(outcome);
            });
            loop {
                match finished.recv_timeout(POLL) {
                    Ok(outcome) => return outcome,
                    Err(RecvTimeoutError::Timeout) if interrupt.is_none() => {
                        if let Err(raised) = Python::attach(|py| py.check_signals()) {
                            interrupt = Some(raised);
                            token.cancel();
                        }
                    }
                    Err(RecvTimeoutError::Timeout) => {}
                    Err(RecvTimeoutError::Disconnected) => {
                        return Err(Box::new("the worker stopped without a result") as Box<dyn std::any::Any + Send>);
                    }
                }
            }
        })
    });
    if let Some(raised) = interrupt {
        return Err(raised);
    }
    outcome.map_err(|payload| {
        let what = payload
            .downcast_ref::<&str>()
            .map(|s| (*s).to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".to_string());
        PyRuntimeError::new_err(format!("internal error in pairwell (please report it): {what}"))
    })
}
