//! Many independent cohorts in one call: [`match_groups`] splits one table of people by a group
//! code per row and matches every group on its own, in parallel (one group per rayon task), with
//! the same program and config.
//!
//! Rules hold within a group only: each group is validated as a cohort of its own (ids need
//! only be unique inside it, managers must be in it, `never` and `pin` ids must be in it). A
//! group's result is exactly what [`match_read`] returns for that group's people alone, in
//! their input order, so the results do not depend on the thread count.
//!
//! The caller's [cancellation token](crate::cancel) reaches every group: once it is cancelled,
//! groups not yet started are skipped and running ones stop at their next checkpoint.

use rayon::prelude::*;

use crate::cancel::{Cancelled, Token};
use crate::matching::{match_read, MatchError, MatchResult};
use crate::people::People;
use crate::program::{Config, Program};

/// Why a grouped matching could not be made.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum GroupError {
    /// The group codes do not line up with the people.
    #[error("{people} people but {codes} group codes: give one code per person")]
    Length {
        /// How many people were given.
        people: usize,
        /// How many codes were given.
        codes: usize,
    },
    /// A code with no people: codes must number the groups 0, 1, ... without gaps.
    #[error("group {group} has no people: codes must number the groups 0 to {last} without gaps")]
    EmptyGroup {
        /// The code with no people.
        group: usize,
        /// The largest code given.
        last: usize,
    },
    /// The caller cancelled the run (see [`crate::cancel`]).
    #[error(transparent)]
    Cancelled(#[from] Cancelled),
    /// One group failed to match (the first such group, in code order).
    #[error("group {group}: {source}")]
    Match {
        /// The group's code.
        group: usize,
        /// What went wrong in it.
        #[source]
        source: MatchError,
    },
}

/// Matches each group of `people` for `program` under `config`: `codes[i]` is the group of
/// `people[i]`, numbered from 0 without gaps. Returns one result per group, in code order;
/// within a group, people keep their input order.
///
/// # Errors
/// [`GroupError::Length`] when there is not one code per person, [`GroupError::EmptyGroup`]
/// for a code below the largest that no person has, and [`GroupError::Match`] for the first
/// group (by code) whose cohort, config ids or pins are invalid; every group is matched, so the
/// error reported does not depend on which thread finished first. [`GroupError::Cancelled`]
/// when the caller's token was cancelled.
pub fn match_groups(
    people: People,
    codes: &[usize],
    program: Program,
    config: &Config,
) -> Result<Vec<MatchResult>, GroupError> {
    let People { people, rows, columns, .. } = people;
    if people.len() != codes.len() {
        return Err(GroupError::Length { people: people.len(), codes: codes.len() });
    }
    let count = codes.iter().max().map_or(0, |&last| last + 1);
    // Every group has every column, even one without a value in it.
    let mut groups: Vec<People> = vec![People { columns, ..People::default() }; count];
    // Each person keeps their input row, so messages name the row of the whole table.
    for (i, (person, &code)) in people.into_iter().zip(codes).enumerate() {
        groups[code].people.push(person);
        groups[code].rows.push(rows.get(i).copied().unwrap_or(i));
    }
    if let Some(group) = groups.iter().position(|g| g.people.is_empty()) {
        return Err(GroupError::EmptyGroup { group, last: count - 1 });
    }
    // Rayon's workers do not see the caller's thread-local token: each task installs it.
    let token = Token::current();
    let results: Vec<Result<MatchResult, MatchError>> = groups
        .into_par_iter()
        .with_max_len(1)
        .map(|group| {
            token.scope(|| {
                token.check()?;
                match_read(group, program, config)
            })
        })
        .collect();
    token.check()?;
    results
        .into_iter()
        .enumerate()
        .map(|(group, result)| result.map_err(|source| GroupError::Match { group, source }))
        .collect()
}
