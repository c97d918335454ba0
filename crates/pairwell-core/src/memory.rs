//! Fallible allocation of the buffers that grow with the input.
//!
//! A matrix copy or a cohort of a size that cannot be allocated must be an error the caller can
//! report (Python's `MemoryError`), never an abort: every buffer proportional to the input is
//! sized with overflow-checked arithmetic and reserved with [`Vec::try_reserve_exact`] before
//! any work is done on it.

use std::mem::size_of;

/// A buffer that could not be reserved: what it was for and how many bytes it needed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not enough memory: {what} needs {bytes} bytes")]
pub struct OutOfMemory {
    /// What the buffer was for, e.g. "a float64 copy of a 100000x60000 cost matrix".
    pub what: String,
    /// The bytes it needed (exact even where they exceed the address space).
    pub bytes: u128,
}

/// Bytes taken by `len` values of `T`, exact in `u128`.
fn bytes_of<T>(len: u128) -> u128 {
    len.saturating_mul(size_of::<T>() as u128)
}

/// An empty vector with room for `len` values, or the bytes it would need.
///
/// # Errors
/// [`OutOfMemory`] naming `what` when `len` values of `T` cannot be reserved.
pub fn reserve<T>(len: usize, what: impl FnOnce() -> String) -> Result<Vec<T>, OutOfMemory> {
    let mut v = Vec::new();
    v.try_reserve_exact(len).map_err(|_| OutOfMemory { what: what(), bytes: bytes_of::<T>(len as u128) })?;
    Ok(v)
}

/// `len` copies of `value`, or the bytes they would need.
///
/// # Errors
/// As [`reserve`].
pub fn filled<T: Clone>(len: usize, value: T, what: impl FnOnce() -> String) -> Result<Vec<T>, OutOfMemory> {
    let mut v = reserve(len, what)?;
    v.resize(len, value);
    Ok(v)
}

/// The values of `iter`, which yields exactly `len` of them, in a vector reserved up front.
///
/// # Errors
/// As [`reserve`].
pub fn collect<T>(
    len: usize,
    iter: impl IntoIterator<Item = T>,
    what: impl FnOnce() -> String,
) -> Result<Vec<T>, OutOfMemory> {
    let mut v = reserve(len, what)?;
    v.extend(iter);
    Ok(v)
}

/// The error for a buffer of `len` values of `T` whose length does not even fit in `usize`.
#[must_use]
pub fn too_large<T>(len: u128, what: String) -> OutOfMemory {
    OutOfMemory { what, bytes: bytes_of::<T>(len) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn impossible_sizes_are_errors_naming_the_bytes() {
        let e = reserve::<f64>(usize::MAX / 4, || "a test buffer".into()).unwrap_err();
        assert_eq!(e.bytes, (usize::MAX / 4) as u128 * 8);
        assert_eq!(e.to_string(), format!("not enough memory: a test buffer needs {} bytes", e.bytes));
        assert_eq!(filled(3, 1u8, || unreachable!()).unwrap(), vec![1, 1, 1]);
        assert_eq!(collect(2, [4, 5], || unreachable!()).unwrap(), vec![4, 5]);
        assert_eq!(too_large::<u64>(u128::from(u64::MAX) + 1, String::new()).bytes, 1 << 67);
    }
}
