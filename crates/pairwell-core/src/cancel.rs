//! Cooperative cancellation: long computations stop early when their caller asks them to.
//!
//! A [`Token`] is shared between a caller, which may [`cancel`](Token::cancel) it from another
//! thread (the Python binding does on Ctrl-C), and a computation, which calls [`checkpoint`]
//! where stopping is cheap and leaves nothing half-built. The caller installs the token on the
//! computation's thread with [`Token::scope`]; a parallel loop takes it with [`Token::current`]
//! before it starts, because rayon's worker threads do not see the caller's thread-local token.
//!
//! Without an installed token, [`checkpoint`] never stops anything: Rust callers that do not
//! cancel pay one thread-local read per checkpoint.
//!
//! ```
//! use pairwell_core::cancel::{checkpoint, Cancelled, Token};
//!
//! let token = Token::new();
//! assert_eq!(token.scope(checkpoint), Ok(()));
//! token.cancel();
//! assert_eq!(token.scope(checkpoint), Err(Cancelled));
//! assert_eq!(checkpoint(), Ok(())); // outside the scope, nothing is installed
//! ```

use std::cell::RefCell;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// A computation stopped because its token was cancelled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the computation was cancelled")]
pub struct Cancelled;

/// A cancellation flag shared by a caller and the computation it runs.
#[derive(Clone, Debug, Default)]
pub struct Token(Arc<AtomicBool>);

thread_local! {
    static CURRENT: RefCell<Option<Token>> = const { RefCell::new(None) };
}

impl Token {
    /// A token that has not been cancelled.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Asks every computation holding this token to stop at its next checkpoint.
    pub fn cancel(&self) {
        self.0.store(true, Ordering::Relaxed);
    }

    /// Whether [`cancel`](Self::cancel) was called.
    #[must_use]
    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }

    /// `Err(Cancelled)` once the token is cancelled.
    ///
    /// # Errors
    /// [`Cancelled`] when [`cancel`](Self::cancel) was called.
    pub fn check(&self) -> Result<(), Cancelled> {
        if self.is_cancelled() {
            Err(Cancelled)
        } else {
            Ok(())
        }
    }

    /// Runs `work` with this token installed on the current thread, so that [`checkpoint`]
    /// and [`Token::current`] see it; the previous token, if any, is restored afterwards.
    pub fn scope<R>(&self, work: impl FnOnce() -> R) -> R {
        /// Puts the previous token back, even if `work` unwinds.
        struct Restore(Option<Token>);
        impl Drop for Restore {
            fn drop(&mut self) {
                CURRENT.with(|current| *current.borrow_mut() = self.0.take());
            }
        }
        let previous = CURRENT.with(|current| current.replace(Some(self.clone())));
        let _restore = Restore(previous);
        work()
    }

    /// The token installed on this thread, or a token nobody will cancel.
    #[must_use]
    pub fn current() -> Token {
        CURRENT.with(|current| current.borrow().clone()).unwrap_or_default()
    }
}

/// `Err(Cancelled)` if the token installed on this thread was cancelled.
///
/// # Errors
/// [`Cancelled`] when the installed token was cancelled.
pub fn checkpoint() -> Result<(), Cancelled> {
    CURRENT.with(|current| current.borrow().as_ref().map_or(Ok(()), Token::check))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_nest_and_restore() {
        let outer = Token::new();
        let inner = Token::new();
        inner.cancel();
        outer.scope(|| {
            assert_eq!(checkpoint(), Ok(()));
            inner.scope(|| assert_eq!(checkpoint(), Err(Cancelled)));
            assert_eq!(checkpoint(), Ok(()));
            assert!(!Token::current().is_cancelled());
        });
        assert_eq!(checkpoint(), Ok(()));
    }

    #[test]
    fn a_token_is_seen_from_other_threads_through_current() {
        let token = Token::new();
        let seen = token.scope(|| {
            let shared = Token::current();
            token.cancel();
            std::thread::scope(|s| s.spawn(move || shared.check()).join().unwrap_or(Ok(())))
        });
        assert_eq!(seen, Err(Cancelled));
    }
}
