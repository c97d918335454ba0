//! `match_groups` on interleaved sample cohorts: every group's result equals `match_people` on
//! that group alone, whatever the thread count; rules hold within a group only; bad codes and
//! the first bad group (by code) are reported.

use pairwell_core::cancel::{Cancelled, Token};
use pairwell_core::cohort::{Person, Role};
use pairwell_core::groups::{match_groups, GroupError};
use pairwell_core::matching::{match_people, MatchError, MatchResult};
use pairwell_core::people::People;
use pairwell_core::program::{Config, Program};
use pairwell_core::sample::sample_cohort;

/// Cohorts of several sizes (one of a single person), interleaved row by row; ids repeat
/// across cohorts, as they may in a real multi-tenant table.
fn interleaved() -> (Vec<Vec<Person>>, Vec<Person>, Vec<usize>) {
    let cohorts: Vec<Vec<Person>> =
        [40, 1, 120, 7, 60].iter().zip(0u64..).map(|(&n, s)| sample_cohort(n, s).unwrap()).collect();
    let (mut people, mut codes) = (Vec::new(), Vec::new());
    let longest = cohorts.iter().map(Vec::len).max().unwrap();
    for i in 0..longest {
        for (code, cohort) in cohorts.iter().enumerate() {
            if let Some(p) = cohort.get(i) {
                people.push(p.clone());
                codes.push(code);
            }
        }
    }
    (cohorts, people, codes)
}

/// Pairs (with score bits), unmatched (with reason) and the total's bits of a result.
type Summary = (Vec<(String, String, u64)>, Vec<(String, &'static str)>, u64);

fn summary(r: &MatchResult) -> Summary {
    let pairs = r.pairs.iter().map(|p| (p.giver.clone(), p.receiver.clone(), p.score.score.to_bits())).collect();
    let unmatched = r.unmatched.iter().map(|u| (u.id.clone(), u.reason.text())).collect();
    (pairs, unmatched, r.total.to_bits())
}

/// [`match_groups`] on people given as records, rows numbered by position.
fn grouped(
    people: Vec<Person>,
    codes: &[usize],
    program: Program,
    config: &Config,
) -> Result<Vec<MatchResult>, GroupError> {
    match_groups(People { people, ..People::default() }, codes, program, config)
}

#[test]
fn each_group_equals_its_own_match_at_any_thread_count() {
    let (cohorts, people, codes) = interleaved();
    let config = Config::default();
    for program in [Program::Mentoring, Program::Sponsoring, Program::ReverseMentoring] {
        let alone: Vec<_> =
            cohorts.iter().map(|c| summary(&match_people(c.clone(), program, &config).unwrap())).collect();
        for threads in [1, 3] {
            let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
            let grouped = pool.install(|| grouped(people.clone(), &codes, program, &config)).unwrap();
            let grouped: Vec<_> = grouped.iter().map(summary).collect();
            assert_eq!(grouped, alone, "{program:?} on {threads} threads");
        }
    }
}

#[test]
fn rules_hold_within_a_group_only() {
    // The same ids in two groups are two people; a manager in another group is unknown.
    let mentor = |id: &str| Person { roles: vec![Role::Mentor], ..Person::new(id, 5.0) };
    let mentee = |id: &str| Person { roles: vec![Role::Mentee], ..Person::new(id, 2.0) };
    let people = vec![mentor("a"), mentee("b"), mentor("a"), mentee("b")];
    let results = grouped(people.clone(), &[0, 0, 1, 1], Program::Mentoring, &Config::default()).unwrap();
    assert_eq!(results.len(), 2);
    assert!(results.iter().all(|r| r.pairs.len() == 1));

    let mut managed = people;
    managed[3].manager = Some("z".into());
    managed.push(mentor("z"));
    let err = grouped(managed, &[0, 0, 1, 1, 0], Program::Mentoring, &Config::default()).unwrap_err();
    let GroupError::Match { group: 1, source: MatchError::Cohort(cohort) } = &err else { panic!("{err:?}") };
    let problem = &cohort.problems()[0];
    assert_eq!((problem.row, problem.id.as_deref(), problem.field.as_deref()), (Some(3), Some("b"), Some("manager")));
    assert!(err.to_string().starts_with("group 1: ") && err.to_string().contains("'z'"), "{err}");
}

#[test]
fn the_first_bad_group_by_code_is_reported() {
    let p = |id: &str| Person::new(id, 3.0);
    // Groups 1 and 2 both repeat an id; group 1 is reported.
    let people = vec![p("x"), p("y"), p("x"), p("y"), p("y"), p("z"), p("x")];
    let err = grouped(people, &[2, 1, 2, 1, 1, 0, 2], Program::Mentoring, &Config::default()).unwrap_err();
    match err {
        GroupError::Match { group: 1, source: MatchError::Cohort(cohort) } => {
            assert_eq!(cohort.problems()[0].id.as_deref(), Some("y"));
        }
        other => panic!("expected a duplicate in group 1, got {other:?}"),
    }
    // `never` names ids that only some groups have.
    let never = Config::from_json(r#"{"never": [["x", "y"]]}"#).unwrap();
    let err = grouped(vec![p("x"), p("y"), p("x")], &[0, 0, 1], Program::Mentoring, &never).unwrap_err();
    assert!(matches!(err, GroupError::Match { group: 1, source: MatchError::UnknownId { key: "never", .. } }));
}

#[test]
fn codes_must_match_the_people_and_leave_no_gaps() {
    let people = vec![Person::new("a", 1.0), Person::new("b", 2.0)];
    let config = Config::default();
    assert_eq!(
        grouped(people.clone(), &[0], Program::Mentoring, &config).unwrap_err(),
        GroupError::Length { people: 2, codes: 1 }
    );
    assert_eq!(
        grouped(people, &[0, 2], Program::Mentoring, &config).unwrap_err(),
        GroupError::EmptyGroup { group: 1, last: 2 }
    );
    assert!(grouped(Vec::new(), &[], Program::Mentoring, &config).unwrap().is_empty());
}

#[test]
fn a_cancelled_token_stops_every_group() {
    let (_, people, codes) = interleaved();
    let token = Token::new();
    token.cancel();
    let outcome = token.scope(|| grouped(people, &codes, Program::Mentoring, &Config::default()));
    assert_eq!(outcome.unwrap_err(), GroupError::Cancelled(Cancelled));
}
