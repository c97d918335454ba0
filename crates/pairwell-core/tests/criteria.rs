//! Custom criteria (config `[[criteria]]`) and preferences: each criterion kind scored by hand
//! on a tiny cohort, hard criteria against an oracle of the rules (every forbidden pair absent
//! and counted in `unmatched.detail`, dense and sparse solves agreeing), missing values, bad
//! configs and bad values named, and the `preference` component as specified.

use std::collections::BTreeMap;

use pairwell_core::cohort::{Person, Role, Value};
use pairwell_core::matching::{match_people, MatchError, MatchResult};
use pairwell_core::program::{Config, ConfigError, Program};
use pairwell_core::rng::Rng;
use pairwell_core::rules::Rule;

fn person(id: &str, level: f64, role: Role, extra: &[(&str, Value)]) -> Person {
    Person {
        roles: vec![role],
        extra: extra.iter().map(|(k, v)| ((*k).to_string(), v.clone())).collect(),
        ..Person::new(id, level)
    }
}

fn text(s: &str) -> Value {
    Value::Text(s.into())
}

fn list(items: &[&str]) -> Value {
    Value::List(items.iter().map(|s| (*s).to_string()).collect())
}

/// Builtin components weighed 0 and no logistics: a pair's score is the mean of the criteria
/// (and preferences) alone.
const ONLY_EXTRAS: &str = r#""weights": {"skills": 0, "seniority": 0, "goals": 0, "expertise": 0, "reciprocity": 0},
    "timezone_weight": 0, "language_weight": 0"#;

fn config(criteria: &str, more: &str) -> Config {
    Config::from_json(&format!("{{{ONLY_EXTRAS}, \"criteria\": [{criteria}]{more}}}")).unwrap()
}

fn run(people: Vec<Person>, config: &Config) -> MatchResult {
    let r = match_people(people, Program::Mentoring, config).unwrap();
    r.verify().unwrap();
    r
}

/// A mentor and three mentees: `a` shares the mentor's site (spelt differently) and some
/// interests, `b` shares nothing, `c` has no value in any column.
fn tiny() -> Vec<Person> {
    vec![
        person(
            "g",
            6.0,
            Role::Mentor,
            &[
                ("interests", text("Rust; Go ;sql")),
                ("site", text("Paris")),
                ("years", Value::Number(10.0)),
                ("topic", text("ml")),
            ],
        ),
        person(
            "a",
            4.0,
            Role::Mentee,
            &[
                ("interests", list(&["rust", "python"])),
                ("site", text(" paris")),
                ("years", Value::Number(7.0)),
                ("wants", list(&["ML", "stats"])),
            ],
        ),
        person(
            "b",
            4.0,
            Role::Mentee,
            &[("interests", text("c")), ("site", text("Lyon")), ("years", text("12.5")), ("wants", text("design"))],
        ),
        person("c", 4.0, Role::Mentee, &[]),
    ]
}

fn criterion(name: &str, kind: &str, giver: &str, receiver: &str, more: &str) -> String {
    format!(
        r#"{{"name": "{name}", "kind": "{kind}", "giver": "{giver}", "receiver": "{receiver}", "weight": 1{more}}}"#
    )
}

#[test]
fn each_kind_scores_as_hand_computed() {
    let cases = [
        // Half of a's interests (rust) are the mentor's; none of b's.
        (criterion("shared", "overlap", "interests", "interests", ""), [0.5, 0.0, 0.0]),
        (criterion("site", "same", "site", "site", ""), [1.0, 0.0, 0.0]),
        (criterion("elsewhere", "different", "site", "site", ""), [0.0, 1.0, 0.0]),
        // |10 − 7| = 3 of 5 apart, |10 − 12.5| = 2.5 (a number written as text).
        (criterion("tenure", "closeness", "years", "years", r#", "scale": 5"#), [0.4, 0.5, 0.0]),
        (criterion("wanted", "contains", "topic", "wants", ""), [1.0, 0.0, 0.0]),
    ];
    for (c, expected) in cases {
        let r = run(tiny(), &config(&c, ""));
        for (receiver, want) in ["a", "b", "c"].into_iter().zip(expected) {
            let e = r.explain("g", receiver).unwrap();
            assert!((e.score.criteria[0] - want).abs() < 1e-12, "{c}: g -> {receiver} = {:?}", e.score.criteria);
            assert!((e.score.score - want).abs() < 1e-12, "{c}: the score is the criterion alone");
            assert!(e.score.criteria[1..].iter().all(|&x| x == 0.0));
        }
        let names = r.scorer().component_names();
        assert_eq!(names.len(), 6, "{names:?}");
        assert_eq!(r.pair_columns()[3..9], names[..]);
    }
}

#[test]
fn criteria_mix_with_the_builtin_components_by_weight() {
    let plain = run(tiny(), &Config::default());
    let cfg =
        Config::from_json(&format!(r#"{{"criteria": [{}]}}"#, criterion("site", "same", "site", "site", ""))).unwrap();
    let mixed = run(tiny(), &cfg);
    // Mentoring weights add up to 1: the site criterion (weight 1) is half of the mean.
    for receiver in ["a", "b"] {
        let (p, m) = (plain.explain("g", receiver).unwrap(), mixed.explain("g", receiver).unwrap());
        let expected = (p.score.score / p.score.logistics + m.score.criteria[0]) / 2.0 * p.score.logistics;
        assert!((m.score.score - expected).abs() < 1e-12, "{receiver}: {} vs {expected}", m.score.score);
    }
}

#[test]
fn a_hard_criterion_forbids_pairs_at_zero_but_not_missing_values() {
    let c = criterion("site", "same", "site", "site", r#", "hard": true"#);
    let r = run(tiny(), &config(&c, ""));
    assert_eq!(r.explain("g", "b").unwrap().rule, Some(Rule::Criterion(0)));
    assert_eq!(r.explain("g", "a").unwrap().rule, None);
    // c has no site: 0 on the criterion, yet allowed.
    let e = r.explain("g", "c").unwrap();
    assert_eq!((e.rule, e.score.criteria[0]), (None, 0.0));
    assert_eq!(Rule::Criterion(0).name_in(&r.settings), "site");
    let b = r.unmatched.iter().find(|u| u.id == "b").unwrap();
    assert_eq!(b.detail, BTreeMap::from([("site".to_string(), 1)]));
    assert_eq!(r.pairs.len(), 1);
    assert_eq!(r.pairs[0].receiver, "a");
}

/// A random cohort of `n` with random sites and teams (some missing).
fn random_cohort(rng: &mut Rng, n: usize) -> Vec<Person> {
    (0..n)
        .map(|i| {
            let mut extra = Vec::new();
            if rng.below(4) > 0 {
                extra.push(("site", text(["x", "y", "X "][rng.below(3)])));
            }
            if rng.below(4) > 0 {
                extra.push(("team", Value::Number(rng.below(3) as f64)));
            }
            let role = if rng.below(2) == 0 { Role::Mentor } else { Role::Mentee };
            let mut p = person(&format!("p{i}"), 1.0 + rng.below(6) as f64, role, &extra);
            p.capacity = 1 + rng.below(2) as u32;
            p.goals = vec!["rust".into()];
            p.expertise = if rng.below(2) == 0 { vec!["rust".into()] } else { Vec::new() };
            p
        })
        .collect()
}

#[test]
fn hard_criteria_match_a_rule_oracle_on_both_solvers() {
    let hard = [
        criterion("site", "same", "site", "site", r#", "hard": true"#),
        criterion("team", "different", "team", "team", r#", "hard": true"#),
    ]
    .join(", ");
    let mut rng = Rng::new(7);
    for _ in 0..40 {
        let people = random_cohort(&mut rng, 12);
        let solo =
            |solver: &str| Config::from_json(&format!(r#"{{"solver": "{solver}", "criteria": [{hard}]}}"#)).unwrap();
        let free = run(people.clone(), &Config::default());
        let dense = run(people.clone(), &solo("dense"));
        let sparse = run(people.clone(), &solo("sparse"));
        assert!((dense.total - sparse.total).abs() < 1e-9, "{} vs {}", dense.total, sparse.total);
        let value = |p: &Person, key: &str| match p.extra.get(key) {
            Some(Value::Text(s)) => Some(s.trim().to_lowercase()),
            Some(Value::Number(x)) => Some(x.to_string()),
            _ => None,
        };
        let (givers, receivers) = free.participants();
        let find = |id: &str| people.iter().find(|p| p.id == id).unwrap();
        let mut counts: BTreeMap<(String, &str), usize> = BTreeMap::new();
        for g in &givers {
            for r in &receivers {
                let (pg, pr) = (find(g), find(r));
                let site = matches!((value(pg, "site"), value(pr, "site")), (Some(a), Some(b)) if a != b);
                let team = matches!((value(pg, "team"), value(pr, "team")), (Some(a), Some(b)) if a == b);
                let before = free.explain(g, r).unwrap().rule;
                let oracle = before.or(if site {
                    Some(Rule::Criterion(0))
                } else if team {
                    Some(Rule::Criterion(1))
                } else {
                    None
                });
                assert_eq!(dense.explain(g, r).unwrap().rule, oracle, "{g} -> {r}");
                if let Some(Rule::Criterion(i)) = oracle {
                    let name = ["site", "team"][usize::from(i)];
                    *counts.entry((g.to_string(), name)).or_default() += 1;
                    *counts.entry((r.to_string(), name)).or_default() += 1;
                    for result in [&dense, &sparse] {
                        assert!(!result.pairs.iter().any(|p| (p.giver.as_str(), p.receiver.as_str()) == (*g, *r)));
                    }
                }
            }
        }
        for u in &dense.unmatched {
            for name in ["site", "team"] {
                let expected = counts.get(&(u.id.clone(), name)).copied();
                assert_eq!(u.detail.get(name).copied(), expected, "{} {name}", u.id);
            }
        }
    }
}

fn config_error(criteria: &str) -> ConfigError {
    let json = format!(r#"{{"criteria": [{criteria}]}}"#);
    match match_people(tiny(), Program::Mentoring, &Config::from_json(&json).unwrap()).unwrap_err() {
        MatchError::Config(e) => e,
        other => panic!("{criteria}: {other}"),
    }
}

#[test]
fn bad_criteria_are_config_errors_naming_the_criterion() {
    let named = |criteria: &str, name: &str, words: &str| {
        let e = config_error(criteria);
        let text = e.to_string();
        assert!(matches!(&e, ConfigError::Criterion { name: n, .. } if n == name), "{text}");
        assert!(text.contains(&format!("\"{name}\"")) && text.contains(words), "{criteria}: {text}");
    };
    named(&criterion("x", "similar", "site", "site", ""), "x", "unknown kind 'similar'");
    named(&criterion("x", "same", "nowhere", "site", ""), "x", "column 'nowhere'");
    named(&criterion("x", "same", "site", "nowhere", ""), "x", "column 'nowhere'");
    named(&criterion("x", "closeness", "years", "years", ""), "x", "'scale' is missing");
    named(&criterion("x", "closeness", "years", "years", r#", "scale": 0"#), "x", "expected a number > 0");
    named(&criterion("x", "same", "site", "site", r#", "scale": 2"#), "x", "only for closeness");
    named(&criterion("skills", "same", "site", "site", ""), "skills", "built-in");
    named(&criterion("never", "same", "site", "site", ""), "never", "built-in");
    named(&criterion("preference", "same", "site", "site", ""), "preference", "built-in");
    named(r#"{"name": "x", "kind": "same", "giver": "site", "receiver": "site"}"#, "x", "'weight' is missing");
    named(r#"{"name": "x", "kind": "same", "receiver": "site", "weight": 1}"#, "x", "'giver'");
    named(&criterion("x", "same", "site", "site", r#", "weight": -1"#).replace(r#""weight": 1, "#, ""), "x", "-1");
    let twice = [criterion("x", "same", "site", "site", ""), criterion("x", "overlap", "interests", "interests", "")];
    named(&twice.join(", "), "x", "used twice");
    let many: Vec<String> = (0..9).map(|i| criterion(&format!("c{i}"), "same", "site", "site", "")).collect();
    named(&many.join(", "), "c8", "at most 8");
    // Unknown keys are the parser's errors, with the key.
    let e = Config::from_json(r#"{"criteria": [{"name": "x", "colour": "red"}]}"#).unwrap_err();
    assert!(e.to_string().contains("colour"), "{e}");
}

#[test]
fn builtin_weights_may_be_zero_but_not_every_weight() {
    let r = run(tiny(), &config(&criterion("site", "same", "site", "site", ""), ""));
    assert_eq!(r.settings.weights.to_array(), [0.0; 5]);
    let zero = criterion("site", "same", "site", "site", "").replace(r#""weight": 1"#, r#""weight": 0"#);
    let e = match_people(tiny(), Program::Mentoring, &config(&zero, "")).unwrap_err();
    assert!(matches!(e, MatchError::Config(ConfigError::OutOfRange { key: "weights", .. })), "{e}");
    assert!(e.to_string().contains("at least one positive weight"), "{e}");
    let none = Config::from_json(&format!("{{{ONLY_EXTRAS}}}")).unwrap();
    assert!(match_people(tiny(), Program::Mentoring, &none).is_err());
}

#[test]
fn values_a_criterion_cannot_read_name_the_row_id_and_column() {
    let mut people = tiny();
    people[1].extra.insert("years".into(), text("ten"));
    people[2].extra.insert("site".into(), list(&["x", "y"]));
    people[3].extra.insert("years".into(), Value::Invalid("a dict of 2".into()));
    let cfg = config(
        &[
            criterion("tenure", "closeness", "years", "years", r#", "scale": 5"#),
            criterion("site", "same", "site", "site", ""),
        ]
        .join(", "),
        "",
    );
    let MatchError::Cohort(e) = match_people(people, Program::Mentoring, &cfg).unwrap_err() else { panic!() };
    let found: Vec<(Option<usize>, Option<&str>, Option<&str>)> =
        e.problems().iter().map(|p| (p.row, p.id.as_deref(), p.field.as_deref())).collect();
    assert_eq!(
        found,
        [(Some(1), Some("a"), Some("years")), (Some(3), Some("c"), Some("years")), (Some(2), Some("b"), Some("site"))]
    );
    assert!(e.to_string().contains("criterion 'tenure'"), "{e}");
}

// ---------------------------------------------------------------------------------------------
// Preferences

fn ranked(id: &str, role: Role, preferences: &[&str]) -> Person {
    Person {
        roles: vec![role],
        preferences: preferences.iter().map(|s| (*s).to_string()).collect(),
        ..Person::new(id, if role == Role::Mentor { 6.0 } else { 4.0 })
    }
}

#[test]
fn preferences_score_as_specified() {
    use Role::{Mentee, Mentor};
    let people = vec![
        // m1 ranks a first, b second, c third (of 3), and an id nobody has.
        ranked("m1", Mentor, &["a", "b", "c", "ghost"]),
        ranked("m2", Mentor, &[]),
        ranked("a", Mentee, &["m1"]),       // mutual: (1 + 1) / 2
        ranked("b", Mentee, &["m2", "m1"]), // mutual: (2/3 + 1/2) / 2; b → m2 one-sided: 1
        ranked("c", Mentee, &[]),           // only m1 named c: 1/3
        ranked("d", Mentee, &[]),           // nobody: 0
    ];
    let weights = r#"{"weights": {"skills": 0, "seniority": 0, "goals": 0, "expertise": 0, "reciprocity": 0,
        "preference": 1}, "timezone_weight": 0, "language_weight": 0}"#;
    let r = run(people.clone(), &Config::from_json(weights).unwrap());
    let pref = |g: &str, rc: &str| r.explain(g, rc).unwrap().score.preference;
    let cases = [
        ("m1", "a", 1.0),
        ("m1", "b", (2.0 / 3.0 + 0.5) / 2.0),
        ("m1", "c", 1.0 / 3.0),
        ("m1", "d", 0.0),
        ("m2", "b", 1.0),
        ("m2", "a", 0.0),
    ];
    for (g, rc, want) in cases {
        assert!((pref(g, rc) - want).abs() < 1e-12, "{g} -> {rc}: {} vs {want}", pref(g, rc));
        assert!((r.explain(g, rc).unwrap().score.score - want).abs() < 1e-12);
    }
    assert!(r.scorer().component_names().contains(&"preference"));
    // The unknown id is a warning naming the row, id and field; nothing fails.
    let warning = r.warnings.iter().find(|w| w.contains("ghost")).expect("a warning");
    assert!(warning.starts_with("row 0 (id 'm1') field 'preferences'"), "{warning}");

    // The default weight is 0.2 when anyone gave preferences, 0 (and no column) otherwise.
    let default = run(people.clone(), &Config::default());
    assert!((default.settings.weights.preference - 0.2 / 0.3).abs() < 1e-12);
    let e = default.explain("m1", "a").unwrap();
    let plain: Vec<Person> = people.into_iter().map(|p| Person { preferences: Vec::new(), ..p }).collect();
    let without = run(plain, &Config::default());
    assert!(!without.scorer().component_names().contains(&"preference"));
    let w = without.explain("m1", "a").unwrap();
    // Mentoring's five weights add up to 1; preference adds 0.2 at value 1.
    let expected = (w.score.score / w.score.logistics + 0.2) / 1.2 * w.score.logistics;
    assert!((e.score.score - expected).abs() < 1e-12, "{} vs {expected}", e.score.score);
}

#[test]
fn a_column_of_the_table_without_values_is_known_but_a_typo_is_not() {
    use pairwell_core::matching::match_read;
    use pairwell_core::people::{field, Cell, PeopleReader, Row};
    let read = || {
        let mut reader = PeopleReader::default();
        for (id, level, role) in [("g", 6, "mentor"), ("r", 4, "mentee")] {
            let mut row: Row = Default::default();
            row[field::ID] = Cell::Str(id.into());
            row[field::LEVEL] = Cell::Int(level);
            row[field::ROLES] = Cell::Str(role.into());
            reader.row_with(row, vec![("site".into(), Cell::Missing)], 0);
        }
        reader.finish().unwrap()
    };
    let people = read();
    assert_eq!(people.columns, ["site"]);
    let r =
        match_read(people, Program::Mentoring, &config(&criterion("site", "same", "site", "site", ""), "")).unwrap();
    assert_eq!(r.explain("g", "r").unwrap().score.criteria[0], 0.0);
    let typo = config(&criterion("site", "same", "stie", "site", ""), "");
    let e = match_read(read(), Program::Mentoring, &typo).unwrap_err();
    assert!(e.to_string().contains("column 'stie' is not in the people table"), "{e}");
}
