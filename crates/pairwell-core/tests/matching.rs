//! The matching engine (`match_people`) on hand-made cohorts: each program pairs whom a person
//! would pair, with scores checked by hand; every hard rule and every config key does what it
//! says; pins and capacities hold; every unmatched reason and every explanation field is right.
//! On random cohorts of up to 7 people (random roles, levels, skills, managers, program and
//! config), an independent oracle of the rules plus brute force over every valid matching
//! confirm the rules, the optimal total, every regret and every pin, the certificate verifies,
//! and another input order gives bit-identical results. Every error variant is rejected with
//! the field and the id.

use std::collections::{BTreeMap, BTreeSet};

use pairwell_core::cancel::{Cancelled, Token};
use pairwell_core::cohort::{Person, Role};
use pairwell_core::floors::{Floor, FloorError};
use pairwell_core::matching::{match_people, rematch_read, MatchError, MatchResult, Reason, Side};
use pairwell_core::program::{Config, ConfigError, Objective, Program, Settings, Solver};
use pairwell_core::rematch::{Ended, Keep, Previous, Status};
use pairwell_core::rules::Rule;
use proptest::prelude::*;

// ---------------------------------------------------------------------------------------------
// Builders and shorthands

/// A person in department `ops`, time zone 0, with these roles, every other field at its default.
fn person(id: &str, level: f64, roles: &[Role]) -> Person {
    Person { roles: roles.to_vec(), department: "ops".into(), timezone: Some(0.0), ..Person::new(id, level) }
}

/// A change to a person.
type Edit = fn(&mut Person);

/// `p` after `f` changed it.
fn with(mut p: Person, f: impl FnOnce(&mut Person)) -> Person {
    f(&mut p);
    p
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| (*s).to_string()).collect()
}

fn config(json: &str) -> Config {
    Config::from_json(json).unwrap()
}

fn run(people: Vec<Person>, program: Program, json: &str) -> MatchResult {
    let r = match_people(people, program, &config(json)).unwrap();
    r.verify().unwrap();
    r
}

fn fails(people: Vec<Person>, program: Program, json: &str) -> MatchError {
    match_people(people, program, &config(json)).unwrap_err()
}

fn pairs(r: &MatchResult) -> Vec<(String, String)> {
    r.pairs.iter().map(|p| (p.giver.clone(), p.receiver.clone())).collect()
}

fn pair(g: &str, r: &str) -> (String, String) {
    (g.to_string(), r.to_string())
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-12
}

/// Weighted mean of the components of giver → receiver under the result's weights.
fn weighted_mean(r: &MatchResult, giver: &str, receiver: &str) -> f64 {
    let c = r.explain(giver, receiver).unwrap().score.components.to_array();
    let w = r.settings.weights.to_array();
    c.iter().zip(w).map(|(c, w)| c * w).sum::<f64>() / w.iter().sum::<f64>()
}

// ---------------------------------------------------------------------------------------------
// Each program pairs whom a person would pair

/// Two mentors with different strengths, two mentees who want one strength each.
fn mentoring_cohort() -> Vec<Person> {
    use Role::*;
    vec![
        with(person("ana", 6.0, &[Mentor]), |p| {
            p.skills = [("python".into(), 5.0)].into();
            p.expertise = strings(&["python"]);
        }),
        with(person("bo", 6.0, &[Mentor]), |p| {
            p.skills = [("sales".into(), 5.0)].into();
            p.expertise = strings(&["sales"]);
        }),
        with(person("cy", 4.0, &[Mentee]), |p| p.goals = strings(&["sales"])),
        with(person("di", 4.0, &[Mentee]), |p| p.goals = strings(&["python"])),
    ]
}

#[test]
fn mentoring_pairs_each_mentee_with_the_mentor_who_knows_their_goal() {
    let r = run(mentoring_cohort(), Program::Mentoring, "{}");
    assert_eq!(pairs(&r), vec![pair("ana", "di"), pair("bo", "cy")]);
    assert!(r.unmatched.is_empty());
    // By hand: skills 1 (5 levels ahead), seniority 1 (gap 2 in [1, 3]), goals 0 (no target),
    // expertise 1, reciprocity 0 (the mentor wants nothing): 0.3 + 0.2 + 0.25 = 0.75.
    let c = r.pairs[0].score.components;
    assert_eq!((c.skills, c.seniority, c.goals, c.expertise, c.reciprocity), (1.0, 1.0, 0.0, 1.0, 0.0));
    assert!(close(r.pairs[0].score.score, 0.75) && close(r.total, 1.5));
    let crossed = r.explain("ana", "cy").unwrap();
    assert_eq!(crossed.score.components.to_array(), [0.0, 1.0, 0.0, 0.0, 0.0]);
    assert!(crossed.allowed && !crossed.matched && crossed.rule.is_none());
    // Forcing ana–cy leaves bo–di: 0.2 + 0.2 instead of 1.5.
    assert!(close(crossed.regret.unwrap(), 1.1));
    assert_eq!(r.explain("ana", "di").unwrap().regret, Some(0.0));
}

#[test]
fn sponsoring_follows_the_destination() {
    use Role::*;
    let people = vec![
        with(person("fin", 7.0, &[Sponsor]), |p| p.department = "finance".into()),
        with(person("eng", 7.0, &[Sponsor]), |p| p.department = "engineering".into()),
        with(person("cto", 8.0, &[Sponsor]), |p| p.department = "exec".into()),
        with(person("dev", 5.0, &[]), |p| {
            p.department = "engineering".into();
            p.manager = Some("cto".into());
        }),
        with(person("pat", 4.0, &[Protege]), |p| p.target = Some("engineering".into())),
        with(person("quinn", 4.0, &[Protege]), |p| p.target = Some("finance".into())),
    ];
    let r = run(people, Program::Sponsoring, "{}");
    assert_eq!(pairs(&r), vec![pair("eng", "pat"), pair("fin", "quinn")]);
    assert_eq!(r.pairs[0].score.components.goals, 1.0);
    // The CTO leads people in engineering without working there: 0.7 of the goals component.
    assert_eq!(r.explain("cto", "pat").unwrap().score.components.goals, 0.7);
    assert_eq!(r.explain("cto", "quinn").unwrap().score.components.goals, 0.0);
    assert_eq!(r.unmatched.len(), 1);
    assert_eq!((r.unmatched[0].id.as_str(), r.unmatched[0].side), ("cto", Side::Giver));
}

#[test]
fn reverse_mentoring_reverses_the_direction() {
    use Role::*;
    let junior = with(person("jun", 2.0, &[ReverseMentor, Mentee]), |p| {
        p.skills = [("genai".into(), 5.0)].into();
        p.expertise = strings(&["genai"]);
        p.goals = strings(&["strategy"]);
    });
    let senior = with(person("sen", 6.0, &[ReverseMentee, Mentor]), |p| {
        p.skills = [("strategy".into(), 5.0)].into();
        p.expertise = strings(&["strategy"]);
        p.goals = strings(&["genai"]);
    });
    let people = vec![junior, senior];
    let reverse = run(people.clone(), Program::ReverseMentoring, "{}");
    assert_eq!(pairs(&reverse), vec![pair("jun", "sen")]);
    let forward = run(people, Program::Mentoring, "{}");
    assert_eq!(pairs(&forward), vec![pair("sen", "jun")]);
    let (rs, fs) = (&reverse.pairs[0].score, &forward.pairs[0].score);
    assert_eq!((rs.gap, fs.gap), (4.0, 4.0)); // both in each program's own direction
                                              // Reverse: every component but goals is 1 (gap 4 in [2, 5]): 0.15 + 0.1 + 0.45 + 0.25.
    assert_eq!(rs.components.to_array(), [1.0, 1.0, 0.0, 1.0, 1.0]);
    assert!(close(rs.score, 0.95));
    // Mentoring: gap 4 is one level above [1, 3], so seniority is 0.5: 0.3 + 0.1 + 0.25 + 0.15.
    assert_eq!(fs.components.to_array(), [1.0, 0.5, 0.0, 1.0, 1.0]);
    assert!(close(fs.score, 0.8));

    // The junior cannot mentor the senior, nor the senior reverse-mentor the junior.
    let wrong_way = vec![person("jun", 2.0, &[Mentor, ReverseMentee]), person("sen", 6.0, &[Mentee, ReverseMentor])];
    for program in [Program::Mentoring, Program::ReverseMentoring] {
        let r = run(wrong_way.clone(), program, "{}");
        assert!(r.pairs.is_empty());
        let (g, rc) = if program == Program::Mentoring { ("jun", "sen") } else { ("sen", "jun") };
        assert_eq!(r.explain(g, rc).unwrap().rule, Some(Rule::SeniorityGap));
    }
}

// ---------------------------------------------------------------------------------------------
// Rules

/// A small org for the rules: boss > mid > low is a reporting chain; far is 9 hours away and
/// speaks only Japanese; peer is half a level below boss; same shares boss's department.
fn rules_cohort() -> Vec<Person> {
    use Role::*;
    vec![
        with(person("boss", 7.0, &[Mentor]), |p| p.languages = strings(&["en"])),
        with(person("mid", 5.0, &[Mentor, Mentee]), |p| {
            p.manager = Some("boss".into());
            p.department = "it".into();
        }),
        with(person("low", 3.0, &[Mentee]), |p| {
            p.manager = Some("mid".into());
            p.department = "sales".into();
        }),
        with(person("far", 4.0, &[Mentee]), |p| {
            p.timezone = Some(9.0);
            p.department = "sales".into();
            p.languages = strings(&["ja"]);
        }),
        with(person("peer", 6.5, &[Mentee]), |p| p.department = "sales".into()),
        person("same", 4.0, &[Mentee]),
    ]
}

/// A config and a pair in [`rules_cohort`] that `rule` forbids; an exhaustive match, so a new
/// rule cannot go untested.
fn broken_by(rule: Rule) -> (&'static str, &'static str, &'static str) {
    match rule {
        Rule::NotOptedIn => ("{}", "low", "far"),
        Rule::SamePerson => ("{}", "mid", "mid"),
        Rule::ReportingChain => ("{}", "boss", "low"),
        Rule::SeniorityGap => ("{}", "boss", "peer"),
        Rule::SameDepartment => (r#"{"allow_same_department": false}"#, "boss", "same"),
        Rule::Never => (r#"{"never": [["mid", "far"]]}"#, "mid", "far"),
        Rule::TimezoneGap => (r#"{"max_timezone_gap": 8}"#, "mid", "far"),
        Rule::NoSharedLanguage => (r#"{"require_shared_language": true}"#, "boss", "far"),
        Rule::TakenByPin => (r#"{"pin": [["mid", "far"]]}"#, "boss", "far"),
        Rule::BelowMinScore => (r#"{"min_score": 0.99}"#, "mid", "far"),
        Rule::Criterion(_) => (
            r#"{"criteria": [{"name": "site", "kind": "same", "giver": "department", "receiver": "department",
                "weight": 1, "hard": true}]}"#,
            "mid",
            "far",
        ),
    }
}

#[test]
fn every_rule_forbids_its_pairs_and_only_its_own() {
    use Rule::*;
    let all = [
        NotOptedIn,
        SamePerson,
        ReportingChain,
        SeniorityGap,
        SameDepartment,
        Never,
        TimezoneGap,
        NoSharedLanguage,
        TakenByPin,
        Criterion(0),
        BelowMinScore,
    ];
    for rule in all {
        let (cfg, g, rc) = broken_by(rule);
        let r = run(rules_cohort(), Program::Mentoring, cfg);
        let e = r.explain(g, rc).unwrap();
        assert_eq!(e.rule, Some(rule), "{g} -> {rc} under {cfg}");
        assert!(!e.allowed && !e.matched && e.regret.is_none(), "{e:?}");
        assert!(!pairs(&r).contains(&pair(g, rc)));
        if cfg != "{}" {
            let free = run(rules_cohort(), Program::Mentoring, "{}").explain(g, rc).unwrap();
            assert!(free.allowed, "without {cfg}, {g} -> {rc} is allowed");
        }
    }
    // Each config rule spares the pairs it does not concern.
    let lenient = |cfg: &str, g: &str, rc: &str| run(rules_cohort(), Program::Mentoring, cfg).explain(g, rc).unwrap();
    assert!(lenient(r#"{"allow_same_department": false}"#, "mid", "far").allowed);
    assert!(lenient(r#"{"require_shared_language": true}"#, "mid", "far").allowed); // mid lists none
    assert!(lenient(r#"{"max_timezone_gap": 9}"#, "mid", "far").allowed); // the limit is inclusive
    assert!(lenient(r#"{"never": [["far", "mid"]]}"#, "mid", "far").allowed); // never is directed
    assert_eq!(lenient(r#"{"gap_bounds": [0, 0.5]}"#, "mid", "far").rule, Some(SeniorityGap));
    assert_eq!(lenient(r#"{"gap_bounds": [0, 0.5]}"#, "boss", "peer").rule, None);
}

#[test]
fn reporting_chain_is_forbidden_both_ways_at_any_depth_but_not_between_colleagues() {
    use Role::*;
    // ceo > vp > lead > dev, and sib reports to vp beside lead.
    let roles = [Mentor, Mentee, ReverseMentor, ReverseMentee];
    let chain = vec![
        person("ceo", 8.0, &roles),
        with(person("vp", 6.0, &roles), |p| p.manager = Some("ceo".into())),
        with(person("lead", 4.0, &roles), |p| p.manager = Some("vp".into())),
        with(person("dev", 2.0, &roles), |p| p.manager = Some("lead".into())),
        with(person("sib", 4.0, &roles), |p| p.manager = Some("vp".into())),
    ];
    let m = run(chain.clone(), Program::Mentoring, r#"{"gap_bounds": [1, 7]}"#);
    let rev = run(chain, Program::ReverseMentoring, "{}");
    for (r, g, rc) in
        [(&m, "ceo", "dev"), (&m, "ceo", "lead"), (&m, "vp", "dev"), (&rev, "dev", "ceo"), (&rev, "lead", "vp")]
    {
        assert_eq!(r.explain(g, rc).unwrap().rule, Some(Rule::ReportingChain), "{g} -> {rc}");
    }
    for (r, g, rc) in [(&m, "sib", "dev"), (&rev, "dev", "sib"), (&m, "lead", "dev")] {
        let rule = r.explain(g, rc).unwrap().rule;
        assert_eq!(rule == Some(Rule::ReportingChain), g == "lead", "{g} -> {rc}: {rule:?}");
    }
    assert_eq!(m.explain("ceo", "sib").unwrap().rule, Some(Rule::ReportingChain)); // via vp
    assert_eq!(pairs(&m), vec![pair("sib", "dev")]);
}

#[test]
fn people_without_a_department_are_not_in_the_same_department() {
    let blank = |p: Person| with(p, |p| p.department = String::new());
    let people = vec![blank(person("a", 6.0, &[Role::Mentor])), blank(person("b", 4.0, &[Role::Mentee]))];
    let r = run(people, Program::Mentoring, r#"{"same_department": false}"#);
    assert_eq!(pairs(&r), vec![pair("a", "b")]);
}

// ---------------------------------------------------------------------------------------------
// Config keys

/// One mentee who wants python and four candidate mentors, two levels up unless said: `skill`
/// is 5 at python but lists no expertise (score 0.5), `teacher` lists python as expertise
/// without proficiency (0.45), `near` is one level up at 1.4 (0.41), `tokyo` has both but is
/// nine hours away with another language (0.75 · 0.85 · 0.7 ≈ 0.446).
fn config_cohort() -> Vec<Person> {
    use Role::*;
    vec![
        with(person("skill", 6.0, &[Mentor]), |p| p.skills = [("python".into(), 5.0)].into()),
        with(person("teacher", 6.0, &[Mentor]), |p| p.expertise = strings(&[" Python"])),
        with(person("near", 5.0, &[Mentor]), |p| p.skills = [("python".into(), 1.4)].into()),
        with(person("tokyo", 6.0, &[Mentor]), |p| {
            p.skills = [("python".into(), 5.0)].into();
            p.expertise = strings(&["python"]);
            p.timezone = Some(9.0);
            p.languages = strings(&["ja"]);
        }),
        with(person("me", 4.0, &[Mentee]), |p| {
            p.goals = strings(&["python"]);
            p.languages = strings(&["en"]);
        }),
    ]
}

/// The mentor `me` gets under `cfg`, or `none`.
fn mentor_of_me(cfg: &str) -> String {
    let r = run(config_cohort(), Program::Mentoring, cfg);
    assert!(r.pairs.len() <= 1);
    r.pairs.first().map_or("none".into(), |p| p.giver.clone())
}

#[test]
fn the_tested_config_keys_are_all_the_keys() {
    let keys: BTreeSet<String> =
        serde_json::to_value(Config::default()).unwrap().as_object().unwrap().keys().cloned().collect();
    let tested: BTreeSet<String> = CONFIG_CASES.iter().map(|(key, _, _)| (*key).to_string()).collect();
    assert_eq!(keys, tested);
}

/// For each config key, a config using it and the mentor `me` then gets (`skill` by default).
const CONFIG_CASES: [(&str, &str, &str); 19] = [
    ("weights", r#"{"weights": {"skills": 0.05}}"#, "teacher"),
    ("window", r#"{"window": [1, 1]}"#, "near"),
    ("gap_bounds", r#"{"gap_bounds": [1, 1]}"#, "near"),
    ("allow_same_department", r#"{"allow_same_department": false}"#, "none"),
    ("same_department", r#"{"same_department": false}"#, "none"),
    ("normalize", r#"{"normalize": false, "weights": {"skills": 0.05}}"#, "tokyo"),
    // Nobody's manager is unknown here: the key changes nothing (see `unknown_managers_...`).
    ("unknown_manager", r#"{"unknown_manager": "ignore"}"#, "skill"),
    ("never", r#"{"never": [["skill", "me"]]}"#, "teacher"),
    ("pin", r#"{"pin": [["teacher", "me"]]}"#, "teacher"),
    ("min_score", r#"{"min_score": 0.99}"#, "none"),
    ("timezone_weight", r#"{"timezone_weight": 0}"#, "tokyo"),
    ("max_timezone_gap", r#"{"max_timezone_gap": 8, "language_weight": 0, "timezone_weight": 0}"#, "skill"),
    ("language_weight", r#"{"language_weight": 0, "timezone_weight": 0.1}"#, "tokyo"),
    (
        "require_shared_language",
        r#"{"require_shared_language": true, "language_weight": 0, "timezone_weight": 0}"#,
        "skill",
    ),
    // The solver and its candidate lists change how the optimum is found, never which it is.
    ("solver", r#"{"solver": "sparse"}"#, "skill"),
    ("candidates", r#"{"solver": "sparse", "candidates": 1}"#, "skill"),
    // One level apart scores 0.5 on it, two levels 0: outweighs the rest for `near`.
    (
        "criteria",
        r#"{"criteria": [{"name": "close", "kind": "closeness", "giver": "level", "receiver": "level",
            "scale": 2, "weight": 5}]}"#,
        "near",
    ),
    // One mentee: matching the most receivers changes nothing here (see
    // `participation_matches_the_most_receivers_then_the_best_total`).
    ("objective", r#"{"objective": "participation"}"#, "skill"),
    // Likewise a floor (see `floors_give_the_best_matching_that_meets_them_or_name_a_group`).
    ("floors", r#"{"floors": [{"by": "department", "rate": 1}]}"#, "skill"),
];

#[test]
fn every_config_key_changes_who_pairs() {
    assert_eq!(mentor_of_me("{}"), "skill");
    assert_eq!(mentor_of_me(r#"{"language_weight": 0, "timezone_weight": 0}"#), "tokyo");
    for (key, cfg, expected) in CONFIG_CASES {
        assert_eq!(mentor_of_me(cfg), expected, "{key}: {cfg}");
    }
}

#[test]
fn scores_are_the_weighted_mean_times_logistics() {
    let plain = run(config_cohort(), Program::Mentoring, r#"{"timezone_weight": 0, "language_weight": 0}"#);
    for g in ["skill", "teacher", "near", "tokyo"] {
        assert_eq!(plain.explain(g, "me").unwrap().score.score, weighted_mean(&plain, g, "me"), "{g}");
    }
    // tokyo is 9 hours away with no shared language: (1 - 0.4 · 9/12) · (1 - 0.5) = 0.35.
    let r = run(config_cohort(), Program::Mentoring, r#"{"timezone_weight": 0.4, "language_weight": 0.5}"#);
    let e = r.explain("tokyo", "me").unwrap();
    assert_eq!((e.score.timezone_gap, e.score.shared_language), (9.0, false));
    assert!(close(e.score.logistics, 0.35) && close(e.score.score, 0.35 * weighted_mean(&r, "tokyo", "me")));
    // Only seniority weighs: the score is the seniority component; unset weights keep the preset.
    let only = run(
        config_cohort(),
        Program::Mentoring,
        r#"{"weights": {"skills": 0, "goals": 0, "expertise": 0, "reciprocity": 0}, "timezone_weight": 0}"#,
    );
    assert!(only.pairs.iter().all(|p| close(p.score.score, p.score.components.seniority)));
    assert_eq!(only.settings.weights.seniority, 1.0); // the preset's, scaled: it is the only weight left
                                                      // The window moves the seniority component: gap 1 is two levels below [3, 4], gap 2 one.
    let window = run(config_cohort(), Program::Mentoring, r#"{"window": [3, 4]}"#);
    assert_eq!(window.explain("near", "me").unwrap().score.components.seniority, 0.0);
    assert_eq!(window.explain("skill", "me").unwrap().score.components.seniority, 0.5);
    // Time zones wrap around the date line: +12 and -11 are one hour apart.
    let wrap = vec![
        with(person("east", 6.0, &[Role::Mentor]), |p| p.timezone = Some(12.0)),
        with(person("west", 4.0, &[Role::Mentee]), |p| p.timezone = Some(-11.0)),
    ];
    assert_eq!(run(wrap, Program::Mentoring, "{}").pairs[0].score.timezone_gap, 1.0);
}

#[test]
fn toml_and_json_configs_are_the_same_config() {
    let toml = Config::from_toml(
        "window = [1, 2]\ngap_bounds = [0, 5]\nsame_department = false\nnever = [[\"a\", \"b\"]]\n\
         pin = [[\"c\", \"d\"]]\nmin_score = 0.2\ntimezone_weight = 0.1\nmax_timezone_gap = 6\n\
         language_weight = 0.2\nrequire_shared_language = true\n[weights]\ngoals = 0.5\n",
    )
    .unwrap();
    let json = config(
        r#"{"window": [1, 2], "gap_bounds": [0, 5], "same_department": false, "never": [["a", "b"]],
            "pin": [["c", "d"]], "min_score": 0.2, "timezone_weight": 0.1, "max_timezone_gap": 6,
            "language_weight": 0.2, "require_shared_language": true, "weights": {"goals": 0.5}}"#,
    );
    assert_eq!(toml, json);
    let s = Settings::resolve(Program::Sponsoring, &toml).unwrap();
    // Weights are scaled so the largest is 1: goals 0.5 is the largest.
    assert_eq!(s.weights.goals, 1.0);
    assert_eq!(s.weights.skills, Program::Sponsoring.preset().weights.skills / 0.5);
    assert_eq!((s.window, s.gap_bounds, s.max_timezone_gap), ([1.0, 2.0], [0.0, 5.0], Some(6.0)));
}

#[test]
fn unknown_managers_and_unknown_time_zones() {
    use Role::*;
    let people = vec![
        with(person("boss", 7.0, &[Mentor]), |p| {
            p.manager = Some("boss".into());
            p.timezone = None;
        }),
        with(person("mid", 6.0, &[Mentor]), |p| {
            p.manager = Some("gone".into());
            p.timezone = None;
        }),
        with(person("low", 4.0, &[Mentee]), |p| {
            p.manager = Some("mid".into());
            p.timezone = Some(12.0);
        }),
    ];
    let e = fails(people.clone(), Program::Mentoring, "{}");
    assert_eq!(e.to_string(), "row 1 (id 'mid') field 'manager': manager 'gone' is not in the cohort");
    let r = run(people, Program::Mentoring, r#"{"unknown_manager": "ignore", "max_timezone_gap": 1}"#);
    assert!(r.warnings[0].contains("manager 'gone' is not in the cohort"), "{:?}", r.warnings);
    // mid is low's manager still; boss manages themself: the top of a chain, free to mentor low.
    assert_eq!(r.explain("mid", "low").unwrap().rule, Some(Rule::ReportingChain));
    assert_eq!(pairs(&r), vec![pair("boss", "low")]);
    // An unknown time zone costs nothing and breaks no limit.
    let unknown = run(
        vec![with(person("g", 6.0, &[Mentor]), |p| p.timezone = None), person("r", 4.0, &[Mentee])],
        Program::Mentoring,
        r#"{"max_timezone_gap": 0, "timezone_weight": 1}"#,
    );
    let s = unknown.pairs[0].score;
    assert!(s.timezone_gap.is_nan() && s.logistics == 1.0, "{s:?}");
}

#[test]
fn huge_weights_give_the_normalised_score() {
    let people = || vec![person("g", 6.0, &[Role::Mentor]), person("r", 4.0, &[Role::Mentee])];
    let weights = |w: &str| {
        format!(r#"{{"weights": {{"skills": {w}, "seniority": {w}, "goals": 0, "expertise": 0, "reciprocity": 0}}}}"#)
    };
    let plain = run(people(), Program::Mentoring, &weights("1"));
    let huge = run(people(), Program::Mentoring, &weights("1e308"));
    assert!(plain.total > 0.0 && (plain.total - huge.total).abs() < 1e-12, "{} {}", plain.total, huge.total);
    let infinite = Config {
        weights: Some(pairwell_core::program::WeightsOverride { skills: Some(f64::INFINITY), ..Default::default() }),
        ..Config::default()
    };
    let e = Settings::resolve(Program::Mentoring, &infinite).unwrap_err();
    assert!(e.to_string().contains("weights.skills"), "{e}");
}

// ---------------------------------------------------------------------------------------------
// Capacities, pins, unmatched reasons

/// m1 takes two, m2 one, m3 none; five mentees, of which e3 is a worse fit (3.5 levels below)
/// and e5 reports to m1 and is too close to the others.
fn capacity_cohort() -> Vec<Person> {
    use Role::*;
    vec![
        with(person("m1", 6.0, &[Mentor]), |p| p.capacity = 2),
        person("m2", 6.0, &[Mentor]),
        with(person("m3", 6.0, &[Mentor]), |p| p.capacity = 0),
        person("e1", 4.0, &[Mentee]),
        person("e2", 4.0, &[Mentee]),
        person("e3", 2.5, &[Mentee]),
        person("e4", 4.0, &[Mentee]),
        with(person("e5", 5.8, &[Mentee]), |p| p.manager = Some("m1".into())),
    ]
}

#[test]
fn capacities_and_pins_hold() {
    let free = run(capacity_cohort(), Program::Mentoring, "{}");
    let r = run(capacity_cohort(), Program::Mentoring, r#"{"pin": [["m2", "e4"]]}"#);
    for result in [&free, &r] {
        let load = |g: &str| result.pairs.iter().filter(|p| p.giver == g).count();
        assert_eq!((load("m1"), load("m2"), load("m3")), (2, 1, 0));
    }
    let pinned: Vec<_> = r.pairs.iter().filter(|p| p.pinned).map(|p| (p.giver.as_str(), p.receiver.as_str())).collect();
    assert_eq!(pinned, vec![("m2", "e4")]);
    assert!(r.pairs.iter().all(|p| p.pinned == (p.receiver == "e4")));
    let e = r.explain("m2", "e4").unwrap();
    assert!(e.matched && e.allowed && e.regret == Some(0.0));
    assert_eq!(r.explain("m1", "e4").unwrap().rule, Some(Rule::TakenByPin)); // e4 is taken by the pin
    assert_eq!(r.explain("m2", "e1").unwrap().rule, Some(Rule::TakenByPin)); // m2 is full with the pin
    let m3 = r.explain("m3", "e1").unwrap();
    assert!(m3.allowed && m3.rule.is_none() && m3.regret.is_none()); // allowed, but m3 takes nobody

    // A pin may cost total: the pinned receiver is the only one m2 can have, so m1's best goes.
    let people = vec![
        with(person("m1", 6.0, &[Role::Mentor]), |p| p.skills = [("x".into(), 5.0)].into()),
        person("m2", 6.0, &[Role::Mentor]),
        with(person("e1", 4.0, &[Role::Mentee]), |p| p.goals = strings(&["x"])),
        with(person("e2", 4.0, &[Role::Mentee]), |p| p.manager = Some("m1".into())),
    ];
    let best = run(people.clone(), Program::Mentoring, "{}");
    let forced = run(people, Program::Mentoring, r#"{"pin": [["m2", "e1"]]}"#);
    assert_eq!(pairs(&best), vec![pair("m1", "e1"), pair("m2", "e2")]);
    assert_eq!(pairs(&forced), vec![pair("m2", "e1")]);
    assert!(close(best.total - forced.total, best.explain("m2", "e1").unwrap().regret.unwrap()));
}

#[test]
fn unmatched_people_get_the_right_reason() {
    let r = run(capacity_cohort(), Program::Mentoring, r#"{"pin": [["m2", "e4"]]}"#);
    let detail = |d: &BTreeMap<String, usize>| d.iter().map(|(k, n)| format!("{n} {k}")).collect::<Vec<_>>().join(", ");
    let reasons: Vec<_> = r.unmatched.iter().map(|u| (u.id.as_str(), u.side, u.reason, detail(&u.detail))).collect();
    // m3 opted in with capacity 0: no pair of theirs is forbidden, they just take nobody.
    let taken = Reason::PartnersTaken;
    let e5 = ("e5", Side::Receiver, Reason::NoEligiblePartner, "1 reporting_chain, 2 seniority_gap".to_string());
    assert_eq!(
        reasons,
        vec![
            ("m3", Side::Giver, Reason::NoCapacity, "4 eligible, 1 seniority_gap".to_string()),
            ("e3", Side::Receiver, taken, "3 eligible".to_string()),
            e5
        ]
    );

    let strict = run(capacity_cohort(), Program::Mentoring, r#"{"min_score": 0.9}"#);
    assert!(strict.pairs.is_empty());
    for u in &strict.unmatched {
        let expected = match u.id.as_str() {
            "e5" => Reason::NoEligiblePartner,
            "m3" => Reason::NoCapacity,
            _ => Reason::BelowMinScore,
        };
        assert_eq!(u.reason, expected, "{u:?}");
    }
    let alone = run(vec![person("solo", 5.0, &[Role::Mentee]), person("x", 1.0, &[])], Program::Mentoring, "{}");
    let u = &alone.unmatched[0];
    assert_eq!((u.id.as_str(), u.reason, u.detail.is_empty()), ("solo", Reason::NoEligiblePartner, true));
    assert!(alone.warnings[0].contains("nobody opted into the role 'mentor'"), "{:?}", alone.warnings);
    assert_eq!(alone.explain("x", "solo").unwrap().rule, Some(Rule::NotOptedIn));
}

#[test]
fn a_pin_that_breaks_a_rule_or_a_capacity_is_an_error() {
    let pin = |cfg: &str| {
        let e = fails(capacity_cohort(), Program::Mentoring, cfg);
        let MatchError::Pin { giver, receiver, reason } = &e else { panic!("{cfg}: {e:?}") };
        assert!(e.to_string().contains(&format!("[{giver:?}, {receiver:?}]")), "{e}");
        (giver.clone(), receiver.clone(), reason.clone())
    };
    let cases = [
        (r#"{"pin": [["m1", "e5"]]}"#, ("m1", "e5"), "reporting_chain"),
        (r#"{"pin": [["m2", "e5"]]}"#, ("m2", "e5"), "seniority_gap"),
        (r#"{"pin": [["m2", "e1"]], "never": [["m2", "e1"]]}"#, ("m2", "e1"), "never"),
        (r#"{"pin": [["m2", "e1"]], "min_score": 0.99}"#, ("m2", "e1"), "below_min_score"),
        (r#"{"pin": [["m2", "e1"], ["m2", "e2"]]}"#, ("m2", "e2"), "capacity is 1"),
        (r#"{"pin": [["m3", "e1"]]}"#, ("m3", "e1"), "capacity is 0"),
        (r#"{"pin": [["m1", "e1"], ["m2", "e1"]]}"#, ("m2", "e1"), "pinned twice"),
        (r#"{"pin": [["e1", "e2"]]}"#, ("e1", "e2"), "giver did not opt"),
        (r#"{"pin": [["m1", "m2"]]}"#, ("m1", "m2"), "receiver did not opt"),
    ];
    for (cfg, (g, rc), words) in cases {
        let (giver, receiver, reason) = pin(cfg);
        assert_eq!((giver.as_str(), receiver.as_str()), (g, rc), "{cfg}");
        assert!(reason.contains(words), "{cfg}: {reason}");
    }
}

// ---------------------------------------------------------------------------------------------
// Bad input

#[test]
fn bad_people_are_rejected_naming_the_field_and_the_id() {
    let err = |people: Vec<Person>| fails(people, Program::Mentoring, "{}").to_string();
    let one = |f: Edit| err(vec![person("ok", 1.0, &[]), with(person("a", 1.0, &[]), f)]);
    assert_eq!(err(Vec::new()), "the cohort is empty: no people were given");
    assert_eq!(err(vec![person("", 1.0, &[])]), "row 0 field 'id': is missing");
    let dup = err(vec![person("a", 1.0, &[]), person("b", 1.0, &[]), person("a", 2.0, &[])]);
    assert_eq!(dup, "row 2 (id 'a') field 'id': duplicate id (first at row 0)");
    let bad_numbers: [(Edit, &str); 5] = [
        (|p| p.level = f64::NAN, "row 1 (id 'a') field 'level': is NaN"),
        (|p| p.level = f64::INFINITY, "row 1 (id 'a') field 'level': is inf"),
        (|p| p.timezone = Some(15.0), "row 1 (id 'a') field 'timezone': is 15"),
        (|p| p.skills = [("sql".into(), 7.0)].into(), "row 1 (id 'a') field 'skills.sql': is 7"),
        (|p| p.skills = [("sql".into(), -1.0)].into(), "row 1 (id 'a') field 'skills.sql': is -1"),
    ];
    for (f, words) in bad_numbers {
        let e = one(f);
        assert!(e.starts_with(words), "{e}");
    }
    assert_eq!(
        one(|p| p.manager = Some("ghost".into())),
        "row 1 (id 'a') field 'manager': manager 'ghost' is not in the cohort"
    );
    // Every problem at once, and a person who is their own manager is the top of their chain.
    let many = err(vec![
        with(person("a", f64::NAN, &[]), |p| p.manager = Some("x".into())),
        with(person("b", 1.0, &[]), |p| p.manager = Some("b".into())),
        with(person("c", 1.0, &[]), |p| p.manager = Some("y".into())),
    ]);
    assert!(many.starts_with("3 problems: row 0 (id 'a') field 'level'"), "{many}");
    assert!(many.contains("manager 'x'") && many.contains("manager 'y'"), "{many}");
    let cycle = err(vec![
        with(person("a", 1.0, &[]), |p| p.manager = Some("b".into())),
        with(person("b", 2.0, &[]), |p| p.manager = Some("c".into())),
        with(person("c", 3.0, &[]), |p| p.manager = Some("a".into())),
        with(person("d", 0.0, &[]), |p| p.manager = Some("a".into())),
    ]);
    assert_eq!(cycle, "field 'manager': manager cycle: a -> b -> c -> a");
    // An empty manager id means no manager.
    let blank = with(person("a", 1.0, &[]), |p| p.manager = Some(String::new()));
    assert!(match_people(vec![blank], Program::Mentoring, &Config::default()).is_ok());
}

#[test]
fn bad_ids_in_config_and_questions_are_rejected() {
    let unknown = |cfg: &str| fails(mentoring_cohort(), Program::Mentoring, cfg);
    assert_eq!(unknown(r#"{"never": [["ana", "zz"]]}"#), MatchError::UnknownId { key: "never", id: "zz".into() });
    assert_eq!(unknown(r#"{"pin": [["zz", "cy"]]}"#), MatchError::UnknownId { key: "pin", id: "zz".into() });
    assert_eq!(unknown(r#"{"pin": [["zz", "cy"]]}"#).to_string(), "pin: unknown id \"zz\"");
    let r = run(mentoring_cohort(), Program::Mentoring, "{}");
    assert_eq!(r.explain("zz", "cy").unwrap_err(), MatchError::UnknownId { key: "giver", id: "zz".into() });
    assert_eq!(r.explain("ana", "zz").unwrap_err(), MatchError::UnknownId { key: "receiver", id: "zz".into() });
}

#[test]
fn a_cancelled_match_stops_with_cancelled() {
    let token = Token::new();
    token.cancel();
    let people = pairwell_core::sample::sample_cohort(200, 1).unwrap();
    let err = token.scope(|| match_people(people.clone(), Program::Mentoring, &Config::default())).unwrap_err();
    assert_eq!(err, MatchError::Cancelled(Cancelled));
    assert!(Token::new().scope(|| match_people(people, Program::Mentoring, &Config::default())).is_ok());
}

#[test]
fn bad_configs_are_rejected_naming_the_key() {
    assert_eq!("coaching".parse::<Program>(), Err(ConfigError::UnknownProgram("coaching".into())));
    for p in Program::ALL {
        assert_eq!(p.name().parse::<Program>(), Ok(p));
    }
    let parse = |r: Result<Config, ConfigError>, words: &str| {
        let e = r.unwrap_err();
        assert!(matches!(e, ConfigError::Parse(_)) && e.to_string().contains(words), "{e}");
    };
    parse(Config::from_json(r#"{"wieghts": {}}"#), "wieghts");
    parse(Config::from_toml("min_scor = 0.1"), "min_scor");
    parse(Config::from_toml("[weights]\nluck = 1\n"), "luck");
    parse(Config::from_json(r#"{"weights": {"luck": 1}}"#), "luck");
    parse(Config::from_json(r#"{"min_score": "high"}"#), "key \"min_score\"");
    parse(Config::from_json(r#"{"weights": {"skills": true}}"#), "key \"weights\"");
    parse(Config::from_json(r#"{"never": [["a"]]}"#), "");
    parse(Config::from_toml("window = [1, 2, 3]"), "\"window\": expected 2 entries, got 3");
    parse(Config::from_toml("gap_bounds = [1, 2, 3]"), "gap_bounds");
    parse(Config::from_toml("pin = [[\"a\", \"b\"], [\"c\", \"d\", \"e\"]]"), "\"pin\": expected 2 entries, got 3");
    parse(Config::from_toml("never = [[\"a\", \"b\", \"c\"]]"), "never");
    parse(Config::from_json(r#"{"pin": [["a", "b", "c"]]}"#), "pin");

    let out_of_range = [
        ("{}", r#"{"weights": {"skills": -1}}"#, "weights.skills"),
        (
            "{}",
            r#"{"weights": {"skills": 0, "seniority": 0, "goals": 0, "expertise": 0, "reciprocity": 0}}"#,
            "weights",
        ),
        ("{}", r#"{"window": [3, 1]}"#, "window"),
        ("{}", r#"{"gap_bounds": [2, 1]}"#, "gap_bounds"),
        ("{}", r#"{"min_score": 1.5}"#, "min_score"),
        ("{}", r#"{"timezone_weight": -0.1}"#, "timezone_weight"),
        ("{}", r#"{"language_weight": 2}"#, "language_weight"),
        ("{}", r#"{"max_timezone_gap": -1}"#, "max_timezone_gap"),
        ("toml", "min_score = nan", "min_score"),
        ("toml", "window = [nan, 1.0]", "window"),
        ("toml", "max_timezone_gap = nan", "max_timezone_gap"),
        ("toml", "[weights]\ngoals = inf", "weights.goals"),
    ];
    for (format, text, key) in out_of_range {
        let cfg = if format == "toml" { Config::from_toml(text) } else { Config::from_json(text) }.unwrap();
        let e = match_people(mentoring_cohort(), Program::Mentoring, &cfg).unwrap_err();
        assert!(matches!(&e, MatchError::Config(ConfigError::OutOfRange { key: k, .. }) if *k == key), "{text}: {e:?}");
        assert!(e.to_string().contains(&format!("{key:?}")), "{e}");
    }
}

// ---------------------------------------------------------------------------------------------
// Random small cohorts against an independent oracle and brute force

const TOPICS: [&str; 4] = ["a", "b", "c", "d"];

/// The topics whose bit is set in `mask`.
fn topics(mask: u8) -> Vec<String> {
    TOPICS.iter().enumerate().filter(|(i, _)| mask >> i & 1 == 1).map(|(_, t)| (*t).to_string()).collect()
}

/// Random cohorts of 2 to 7 people: half-step levels, half of the skills listed, in tenths (so
/// sums round and their order matters), random
/// goals, expertise, targets, roles, departments, time zones, languages, capacities 0 to 2, and
/// managers among earlier people (cycles are tested elsewhere).
fn small_cohort() -> impl Strategy<Value = Vec<Person>> {
    let skills = [0u8..=50, 0u8..=50, 0u8..=50, 0u8..=50].map(|r| prop_oneof![Just(0u8), r]);
    let row = (2u8..=16, skills, 0u8..16, 0u8..16, 0u8..4, 0u8..64, 0u8..3, 0usize..10, 0u32..=2, 0u8..3);
    let places = ["x", "y", "z"];
    proptest::collection::vec(row, 2..=7).prop_map(move |rows| {
        rows.iter()
            .enumerate()
            .map(|(i, &(level, skills, goals, expertise, target, roles, place, boss, capacity, lang))| Person {
                level: f64::from(level) / 2.0,
                skills: TOPICS
                    .iter()
                    .zip(skills)
                    .filter(|(_, s)| *s > 0)
                    .map(|(t, s)| ((*t).to_string(), f64::from(s) / 10.0))
                    .collect(),
                goals: topics(goals),
                expertise: topics(expertise),
                target: (target > 0).then(|| places[usize::from(target - 1)].to_string()),
                manager: (boss < i).then(|| format!("p{boss}")),
                department: ["", "x", "y"][usize::from(place)].into(),
                timezone: Some([0.0, 5.5, -8.0][usize::from((place + lang) % 3)]),
                languages: [vec![], strings(&["en"]), strings(&["fr"])][usize::from(lang)].clone(),
                roles: Role::ALL.iter().enumerate().filter(|(b, _)| roles >> b & 1 == 1).map(|(_, r)| *r).collect(),
                capacity,
                ..Person::new(format!("p{i}"), 0.0)
            })
            .collect()
    })
}

/// A random config over every rule key; `never` and `pin` name people by index.
#[derive(Clone, Debug)]
struct RandomConfig {
    program: Program,
    min_score: f64,
    same_department: bool,
    max_timezone_gap: Option<f64>,
    require_shared_language: bool,
    never: Option<(usize, usize)>,
    pin: Option<(usize, usize)>,
    candidates: usize,
}

fn random_config() -> impl Strategy<Value = RandomConfig> {
    (
        proptest::sample::select(Program::ALL.to_vec()),
        proptest::sample::select(vec![0.0, 0.3, 0.5]),
        any::<bool>(),
        proptest::option::of(Just(6.0)),
        any::<bool>(),
        proptest::option::of((0usize..7, 0usize..7)),
        proptest::option::of((0usize..7, 0usize..7)),
        1usize..3,
    )
        .prop_map(
            |(
                program,
                min_score,
                same_department,
                max_timezone_gap,
                require_shared_language,
                never,
                pin,
                candidates,
            )| {
                RandomConfig {
                    program,
                    min_score,
                    same_department,
                    max_timezone_gap,
                    require_shared_language,
                    never,
                    pin,
                    candidates,
                }
            },
        )
}

impl RandomConfig {
    /// The engine's config; the pin is included only when `with_pin`.
    fn config(&self, people: &[Person], with_pin: bool) -> Config {
        let ids =
            |(g, r): (usize, usize)| vec![[people[g % people.len()].id.clone(), people[r % people.len()].id.clone()]];
        Config {
            min_score: Some(self.min_score),
            allow_same_department: Some(self.same_department),
            max_timezone_gap: self.max_timezone_gap,
            require_shared_language: Some(self.require_shared_language),
            never: self.never.map(ids),
            pin: self.pin.filter(|_| with_pin).map(ids),
            ..Config::default()
        }
    }
}

/// Whether `upper` manages `lower`, directly or through a chain (walked by id).
fn manages(people: &[Person], upper: &Person, lower: &Person) -> bool {
    let mut at = lower;
    while let Some(m) = &at.manager {
        if *m == upper.id {
            return true;
        }
        at = people.iter().find(|p| p.id == *m).unwrap();
    }
    false
}

/// The hard rules, written independently of the engine: whether giver → receiver may be made
/// given its score (pins aside).
fn oracle_allows(people: &[Person], s: &Settings, g: &Person, r: &Person, score: f64) -> bool {
    let gap = s.program.gap_sign() * (g.level - r.level);
    let d = (g.timezone.unwrap() - r.timezone.unwrap()).abs();
    let hours = d.min(24.0 - d);
    let shared =
        g.languages.is_empty() || r.languages.is_empty() || g.languages.iter().any(|l| r.languages.contains(l));
    g.has_role(s.program.giver_role())
        && r.has_role(s.program.receiver_role())
        && g.id != r.id
        && !manages(people, g, r)
        && !manages(people, r, g)
        && s.gap_bounds[0] <= gap
        && gap <= s.gap_bounds[1]
        && (s.allow_same_department || g.department.is_empty() || g.department != r.department)
        && !s.never.contains(&[g.id.clone(), r.id.clone()])
        && s.max_timezone_gap.is_none_or(|max| hours <= max)
        && (!s.require_shared_language || shared)
        && score >= s.min_score
}

/// Calls `visit` with every matching made of `allowed` pairs (giver, receiver, score) within
/// `capacity`, as the positions of its pairs in `allowed`.
fn each_matching(allowed: &[(usize, usize, f64)], capacity: &[u32], receivers: usize, visit: &mut dyn FnMut(&[usize])) {
    fn go(
        allowed: &[(usize, usize, f64)],
        capacity: &[u32],
        load: &mut [u32],
        chosen: &mut Vec<usize>,
        receiver: usize,
        receivers: usize,
        visit: &mut dyn FnMut(&[usize]),
    ) {
        if receiver == receivers {
            visit(chosen);
            return;
        }
        go(allowed, capacity, load, chosen, receiver + 1, receivers, visit);
        for (k, &(g, r, _)) in allowed.iter().enumerate() {
            if r == receiver && load[g] < capacity[g] {
                load[g] += 1;
                chosen.push(k);
                go(allowed, capacity, load, chosen, receiver + 1, receivers, visit);
                chosen.pop();
                load[g] -= 1;
            }
        }
    }
    go(allowed, capacity, &mut vec![0; capacity.len()], &mut Vec::new(), 0, receivers, visit);
}

/// Brute force over every matching made of `allowed` pairs (giver, receiver, score) within
/// `capacity` that contains every `forced` pair: the best total, and for each allowed pair the
/// best total of a matching containing it (`-inf` when none does).
fn brute(
    allowed: &[(usize, usize, f64)],
    capacity: &[u32],
    receivers: usize,
    forced: &[(usize, usize)],
) -> (f64, Vec<f64>) {
    let mut best = f64::NEG_INFINITY;
    let mut best_with = vec![f64::NEG_INFINITY; allowed.len()];
    each_matching(allowed, capacity, receivers, &mut |chosen| {
        let has = |&(g, r): &(usize, usize)| chosen.iter().any(|&k| (allowed[k].0, allowed[k].1) == (g, r));
        if forced.iter().all(has) {
            let total: f64 = chosen.iter().map(|&k| allowed[k].2).sum();
            best = best.max(total);
            for &k in chosen {
                best_with[k] = best_with[k].max(total);
            }
        }
    });
    (best, best_with)
}

/// Everything the result says, for comparing two runs bit for bit.
fn fingerprint(r: &MatchResult) -> String {
    format!("{:?} {:?} {}", r.pairs, r.unmatched, r.total.to_bits())
}

/// Checks one run against the oracle and brute force; `pin` is the pin given, by position.
fn check_against_brute_force(
    people: &[Person],
    r: &MatchResult,
    pin: Option<(usize, usize)>,
) -> Result<(), TestCaseError> {
    r.verify().map_err(|e| TestCaseError::fail(e.to_string()))?;
    let s = &r.settings;
    let giver_ids: Vec<usize> = (0..people.len()).filter(|&i| people[i].has_role(s.program.giver_role())).collect();
    let receiver_ids: Vec<usize> =
        (0..people.len()).filter(|&i| people[i].has_role(s.program.receiver_role())).collect();
    let mut allowed = Vec::new(); // (giver slot, receiver slot, score)
    for (gi, &g) in giver_ids.iter().enumerate() {
        for (ri, &rc) in receiver_ids.iter().enumerate() {
            let e = r.explain(&people[g].id, &people[rc].id).unwrap();
            let pair_ok = oracle_allows(people, s, &people[g], &people[rc], e.score.score);
            // The pin takes the receiver, or the giver's only slot. A giver of capacity 0 is not
            // ruled out pair by pair; they simply take nobody (and have no regret to report).
            let taken =
                pin.is_some_and(|(pg, pr)| (pg, pr) != (g, rc) && (pr == rc || (pg == g && people[g].capacity == 1)));
            let what = format!("{} -> {}: {:?}", people[g].id, people[rc].id, e.rule);
            prop_assert_eq!(e.rule.is_none(), pair_ok && !taken, "{}", what);
            prop_assert_eq!(e.rule == Some(Rule::TakenByPin), pair_ok && taken, "{}", what);
            prop_assert_eq!(e.allowed, e.rule.is_none());
            prop_assert_eq!(e.regret.is_none(), !e.allowed || people[g].capacity == 0, "{}", what);
            if pair_ok && people[g].capacity > 0 {
                allowed.push((gi, ri, e.score.score));
            }
        }
    }
    let capacity: Vec<u32> = giver_ids.iter().map(|&g| people[g].capacity).collect();
    let slot = |ids: &[usize], p: usize| ids.iter().position(|&x| x == p).unwrap();
    let forced: Vec<(usize, usize)> =
        pin.map(|(g, rc)| (slot(&giver_ids, g), slot(&receiver_ids, rc))).into_iter().collect();
    let (best, best_with) = brute(&allowed, &capacity, receiver_ids.len(), &forced);
    prop_assert!((r.total - best).abs() < 1e-9, "total {} vs brute force {}", r.total, best);
    let matched: BTreeSet<(String, String)> = pairs(r).into_iter().collect();
    for (&(gi, ri, _), with_pair) in allowed.iter().zip(best_with) {
        let (g, rc) = (&people[giver_ids[gi]].id, &people[receiver_ids[ri]].id);
        let e = r.explain(g, rc).unwrap();
        prop_assert_eq!(e.matched, matched.contains(&(g.clone(), rc.clone())));
        if let Some(regret) = e.regret {
            prop_assert!(
                (best - with_pair - regret).abs() < 1e-9,
                "{} -> {}: regret {} vs {}",
                g,
                rc,
                regret,
                best - with_pair
            );
        }
    }
    // The unmatched are exactly the participants without a pair, and "partners taken" exactly
    // those with an allowed (or pin-blocked) partner.
    let (givers, receivers) = r.participants();
    for u in &r.unmatched {
        let giver = u.side == Side::Giver;
        let has_pair = r.pairs.iter().any(|p| if giver { p.giver == u.id } else { p.receiver == u.id });
        prop_assert!(!has_pair, "{:?} is unmatched but has a pair", u);
        let others = if giver { &receivers } else { &givers };
        let open = others.iter().any(|other| {
            let e = if giver { r.explain(&u.id, other) } else { r.explain(other, &u.id) }.unwrap();
            e.allowed || e.rule == Some(Rule::TakenByPin)
        });
        let no_capacity = giver && r.cohort().people()[r.cohort().position(&u.id).unwrap()].capacity == 0;
        prop_assert_eq!(u.reason == Reason::NoCapacity, no_capacity, "{:?}", u);
        prop_assert_eq!(u.reason == Reason::PartnersTaken, open && !no_capacity, "{:?}", u);
    }
    let unmatched_count = givers.iter().filter(|g| !r.pairs.iter().any(|p| &p.giver == *g)).count()
        + receivers.iter().filter(|rc| !r.pairs.iter().any(|p| &p.receiver == *rc)).count();
    prop_assert_eq!(r.unmatched.len(), unmatched_count);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]
    #[test]
    fn optimum_regrets_pins_and_rules_equal_brute_force(
        (people, shuffled) in small_cohort().prop_flat_map(|p| (Just(p.clone()), Just(p).prop_shuffle())),
        rc in random_config(),
    ) {
        let program = rc.program;
        let plain = match_people(people.clone(), program, &rc.config(&people, false)).unwrap();
        check_against_brute_force(&people, &plain, None)?;
        // The candidate graph with pricing reaches the same optimum, whatever its lists' length.
        let sparse_config = Config { solver: Some(Solver::Sparse), candidates: Some(rc.candidates), ..rc.config(&people, false) };
        let sparse = match_people(people.clone(), program, &sparse_config).unwrap();
        check_against_brute_force(&people, &sparse, None)?;
        prop_assert_eq!(sparse.solver, Solver::Sparse);
        let sparse_again = match_people(shuffled.clone(), program, &sparse_config).unwrap();
        prop_assert_eq!(fingerprint(&sparse_again), fingerprint(&sparse));
        prop_assert!((sparse.total - plain.total).abs() <= 1e-9, "sparse {} dense {}", sparse.total, plain.total);
        let again = match_people(shuffled.clone(), program, &rc.config(&people, false)).unwrap();
        prop_assert_eq!(fingerprint(&again), fingerprint(&plain));

        if let Some((g, r)) = rc.pin {
            let (g, r) = (g % people.len(), r % people.len());
            let (giver, receiver) = (&people[g], &people[r]);
            let score = plain.explain(&giver.id, &receiver.id).unwrap().score.score;
            let pinnable = giver.capacity > 0 && oracle_allows(&people, &plain.settings, giver, receiver, score);
            match match_people(people.clone(), program, &rc.config(&people, true)) {
                Ok(pinned) => {
                    prop_assert!(pinnable, "{} -> {} was pinned", giver.id, receiver.id);
                    prop_assert!(pinned.pairs.iter().any(|p| p.pinned && p.giver == giver.id && p.receiver == receiver.id));
                    check_against_brute_force(&people, &pinned, Some((g, r)))?;
                    let pinned_again = match_people(shuffled, program, &rc.config(&people, true)).unwrap();
                    prop_assert_eq!(fingerprint(&pinned_again), fingerprint(&pinned));
                }
                Err(MatchError::Pin { .. }) => prop_assert!(!pinnable, "{} -> {} refused", giver.id, receiver.id),
                Err(e) => prop_assert!(false, "{}", e),
            }
        }
    }
}

#[test]
fn the_candidate_graph_with_pricing_equals_the_dense_solve_on_sample_cohorts() {
    for (seed, program) in Program::ALL.into_iter().enumerate() {
        let people = pairwell_core::sample::sample_cohort(400, seed as u64).unwrap();
        let dense = match_people(people.clone(), program, &Config { solver: Some(Solver::Dense), ..Config::default() })
            .unwrap();
        let (givers, receivers) = dense.participants();
        for candidates in [1, 2, 8] {
            let config = Config { solver: Some(Solver::Sparse), candidates: Some(candidates), ..Config::default() };
            let sparse = match_people(people.clone(), program, &config).unwrap();
            sparse.verify().unwrap();
            assert!((sparse.total - dense.total).abs() <= 1e-9, "{program} k={candidates}");
            // Regrets of a spread of pairs, matched or not.
            for (i, g) in givers.iter().enumerate().step_by(7) {
                let r = receivers[(i * 13) % receivers.len()];
                let (a, b) = (dense.explain(g, r).unwrap(), sparse.explain(g, r).unwrap());
                assert_eq!((a.rule, a.score.score.to_bits()), (b.rule, b.score.score.to_bits()));
                match (a.regret, b.regret) {
                    (Some(x), Some(y)) => assert!((x - y).abs() <= 1e-9, "{g} -> {r}: {x} vs {y}"),
                    (x, y) => assert_eq!(x, y, "{g} -> {r}"),
                }
            }
            // Metrics build the dense tables on demand after a sparse solve.
            assert!((sparse.metrics().unwrap().total - dense.total).abs() <= 1e-9);
        }
    }
}

#[test]
fn row_order_does_not_change_a_score_by_one_bit() {
    // Uplifts 0.1, 0.2 and 0.3 add up to different doubles in different orders; the first
    // three people name the skills in reverse.
    let mut people: Vec<Person> = ["c", "b", "a"]
        .iter()
        .map(|s| with(person(&format!("x{s}"), 1.0, &[]), |p| p.skills = [((*s).to_string(), 1.0)].into()))
        .collect();
    people.push(with(person("m", 6.0, &[Role::Mentor]), |p| {
        p.skills = [("a".into(), 0.2), ("b".into(), 0.4), ("c".into(), 0.6)].into();
    }));
    people.push(with(person("e", 4.0, &[Role::Mentee]), |p| p.goals = strings(&["a", "b", "c"])));
    let forward = run(people.clone(), Program::Mentoring, "{}");
    people.reverse();
    let backward = run(people, Program::Mentoring, "{}");
    assert_eq!(forward.pairs[0].score.components.skills.to_bits(), backward.pairs[0].score.components.skills.to_bits());
    assert_eq!(fingerprint(&forward), fingerprint(&backward));
}

/// The allowed pairs of `r`'s cohort as (giver slot, receiver slot, score), with the capacities
/// and the number of receivers, read through `explain` and checked by the rule oracle.
fn allowed_pairs(people: &[Person], r: &MatchResult) -> (Vec<(usize, usize, f64)>, Vec<u32>, usize) {
    let (givers, receivers) = r.participants();
    let person = |id: &str| &people[people.iter().position(|p| p.id == id).unwrap()];
    let mut allowed = Vec::new();
    for (gi, g) in givers.iter().enumerate() {
        for (ri, rc) in receivers.iter().enumerate() {
            let e = r.explain(g, rc).unwrap();
            let ok = oracle_allows(people, &r.settings, person(g), person(rc), e.score.score);
            assert_eq!(ok, e.allowed, "{g} -> {rc}");
            if ok && person(g).capacity > 0 {
                allowed.push((gi, ri, e.score.score));
            }
        }
    }
    (allowed, givers.iter().map(|g| person(g).capacity).collect(), receivers.len())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]
    #[test]
    fn participation_matches_the_most_receivers_then_the_best_total(
        people in small_cohort(),
        rc in random_config(),
        sparse in any::<bool>(),
    ) {
        let solver = Some(if sparse { Solver::Sparse } else { Solver::Dense });
        let base = Config { solver, candidates: Some(rc.candidates), ..rc.config(&people, false) };
        let by_score = match_people(people.clone(), rc.program, &base).unwrap();
        let config = Config { objective: Some(Objective::Participation), ..base };
        let r = match_people(people.clone(), rc.program, &config).unwrap();
        r.verify().map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert!(r.pairs.len() >= by_score.pairs.len());
        let (allowed, capacity, receivers) = allowed_pairs(&people, &r);
        // Lexicographic brute force: the most pairs (each receiver once), then the best total.
        let mut best = (0usize, f64::NEG_INFINITY);
        each_matching(&allowed, &capacity, receivers, &mut |chosen| {
            let total: f64 = chosen.iter().map(|&k| allowed[k].2).sum();
            if chosen.len() > best.0 || (chosen.len() == best.0 && total > best.1) {
                best = (chosen.len(), total);
            }
        });
        prop_assert_eq!(r.pairs.len(), best.0);
        prop_assert!((r.total - best.1).abs() < 1e-9, "total {} vs brute force {}", r.total, best.1);
        let bonus = receivers as f64;
        prop_assert!((r.solver_total - (r.total + bonus * best.0 as f64)).abs() < 1e-9);
        // Regrets are in the solver's weights: losing a receiver costs the bonus.
        let weighted: Vec<(usize, usize, f64)> = allowed.iter().map(|&(g, rc, s)| (g, rc, s + bonus)).collect();
        let (top, with_pair) = brute(&weighted, &capacity, receivers, &[]);
        let (givers, receiver_ids) = r.participants();
        for (&(gi, ri, _), with) in allowed.iter().zip(with_pair) {
            let regret = r.explain(givers[gi], receiver_ids[ri]).unwrap().regret.unwrap();
            prop_assert!((top - with - regret).abs() < 1e-9, "regret {} vs {}", regret, top - with);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]
    #[test]
    fn rematch_is_optimal_for_the_shifted_scores_and_reports_every_change(
        people in small_cohort(),
        rc in random_config(),
        links in proptest::collection::vec((0usize..9, 0usize..9), 0..5),
        keep in proptest::sample::select(vec![0.0, 0.1, 0.6]),
        sparse in any::<bool>(),
    ) {
        // Previous pairs by index, some naming people who left (indices past the cohort).
        let id = |i: usize| format!("p{i}");
        let mut seen = BTreeSet::new();
        let previous: Vec<[String; 2]> =
            links.into_iter().filter(|&(_, r)| seen.insert(r)).map(|(g, r)| [id(g), id(r)]).collect();
        let solver = Some(if sparse { Solver::Sparse } else { Solver::Dense });
        let config = Config { solver, candidates: Some(rc.candidates), ..rc.config(&people, false) };
        let read = |p: &[Person]| pairwell_core::people::People { people: p.to_vec(), ..Default::default() };
        let prev = Previous { pairs: previous.clone(), keep: Keep::Bonus(keep) };
        let r = rematch_read(read(&people), rc.program, &config, &prev).unwrap();
        r.verify().map_err(|e| TestCaseError::fail(e.to_string()))?;
        let (allowed, capacity, receivers) = allowed_pairs(&people, &r);
        let (givers, receiver_ids) = r.participants();
        let was = |gi: usize, ri: usize| previous.contains(&[givers[gi].to_string(), receiver_ids[ri].to_string()]);
        let shifted: Vec<(usize, usize, f64)> =
            allowed.iter().map(|&(g, rc, s)| (g, rc, s + if was(g, rc) { keep } else { 0.0 })).collect();
        let (best, _) = brute(&shifted, &capacity, receivers, &[]);
        prop_assert!((r.solver_total - best).abs() < 1e-9, "{} vs brute force {}", r.solver_total, best);
        // Every previous pair and every new pair once, with the right status and reason.
        let changes = r.changes.clone().unwrap();
        prop_assert_eq!(changes.len(), previous.len() + r.pairs.iter().filter(|p| !previous.contains(&[p.giver.clone(), p.receiver.clone()])).count());
        for c in &changes {
            let made = r.pairs.iter().any(|p| (&p.giver, &p.receiver) == (&c.giver, &c.receiver));
            let on_sides = givers.contains(&c.giver.as_str()) && receiver_ids.contains(&c.receiver.as_str());
            let expected = match (previous.contains(&[c.giver.clone(), c.receiver.clone()]), made) {
                (true, true) => (Status::Kept, None),
                (false, _) => (Status::New, None),
                (true, false) if !on_sides => (Status::Ended, Some(Ended::Left)),
                (true, false) if r.explain(&c.giver, &c.receiver).unwrap().allowed => (Status::Ended, Some(Ended::Replaced)),
                (true, false) => (Status::Ended, Some(Ended::Rule)),
            };
            prop_assert_eq!((c.status, c.reason), expected, "{:?}", c);
        }
        // keep = "all" keeps every surviving pair that fits the capacities: here, every one
        // whose giver has room for all of them.
        let all = rematch_read(read(&people), rc.program, &config, &Previous { pairs: previous.clone(), keep: Keep::All }).unwrap();
        all.verify().map_err(|e| TestCaseError::fail(e.to_string()))?;
        for c in all.changes.as_ref().unwrap() {
            if c.reason == Some(Ended::Replaced) {
                let g = &people[people.iter().position(|p| p.id == c.giver).unwrap()];
                let kept = all.changes.as_ref().unwrap().iter().filter(|k| k.giver == c.giver && k.status == Status::Kept).count();
                prop_assert!(kept as u32 >= g.capacity, "{:?} ended though its giver had room", c);
            }
        }
    }
}

#[test]
fn bad_previous_pairs_and_keep_are_errors_naming_them() {
    let read = || pairwell_core::people::People { people: config_cohort(), ..Default::default() };
    let pairs = vec![["skill".to_string(), "me".to_string()], ["near".to_string(), "me".to_string()]];
    let twice = rematch_read(read(), Program::Mentoring, &Config::default(), &Previous { pairs, keep: Keep::All });
    assert!(matches!(&twice, Err(MatchError::Previous(m)) if m.contains("\"me\"")), "{twice:?}");
    for keep in [-0.1, f64::NAN, f64::INFINITY] {
        let bad = rematch_read(
            read(),
            Program::Mentoring,
            &Config::default(),
            &Previous { pairs: vec![], keep: Keep::Bonus(keep) },
        );
        assert!(matches!(&bad, Err(MatchError::Previous(m)) if m.contains("keep")), "{bad:?}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(600))]
    #[test]
    fn floors_give_the_best_matching_that_meets_them_or_name_a_group(
        people in small_cohort().prop_map(|mut people| {
            // A mentor (two levels up) for every two mentees, so that mentees compete and floors
            // more often bind than fail; the mentor p6, when there is one, has no room.
            for (i, p) in people.iter_mut().enumerate() {
                (p.level, p.roles) = if i % 3 == 0 { (6.0, vec![Role::Mentor]) } else { (4.0, vec![Role::Mentee]) };
                p.capacity = if i == 6 { 0 } else { p.capacity.max(1) };
            }
            people
        }),
        rc in random_config(),
        rate in proptest::sample::select(vec![0.25, 0.5, 0.75]),
        by_min in any::<bool>(),
        sides in proptest::sample::select(vec![vec![Side::Receiver], vec![Side::Giver], vec![Side::Receiver, Side::Giver]]),
        sparse in any::<bool>(),
        participation in any::<bool>(),
    ) {
        // Groups: the department ("" is a group of its own); floors by rate, or `min` of 1 in "x".
        let values: BTreeMap<String, String> = people.iter().map(|p| (p.id.clone(), p.department.clone())).collect();
        let floors: Vec<Floor> = sides
            .iter()
            .map(|&side| {
                let min = by_min.then(|| [("x".to_string(), 1)].into());
                Floor { by: "department".into(), side, rate: (!by_min).then_some(rate), min }
            })
            .collect();
        let solver = Some(if sparse { Solver::Sparse } else { Solver::Dense });
        let rc = RandomConfig { program: Program::Mentoring, ..rc };
        let rules = Config { min_score: None, ..rc.config(&people, false) };
        let objective = Some(if participation { Objective::Participation } else { Objective::Score });
        let config = Config { solver, candidates: Some(rc.candidates), floors: Some(floors), objective, ..rules.clone() };
        let read = pairwell_core::people::People { people: people.clone(), ..Default::default() };
        let plain = match_people(people.clone(), rc.program, &rules).unwrap();
        let (allowed, capacity, receivers) = allowed_pairs(&people, &plain);
        let (giver_ids, receiver_ids) = plain.participants();
        // Each side's groups and floors, and a brute force over every matching.
        let ids = |side| if side == Side::Giver { &giver_ids } else { &receiver_ids };
        let mut sizes: BTreeMap<(Side, &str), usize> = BTreeMap::new();
        for &side in &sides {
            for id in ids(side) {
                *sizes.entry((side, values[*id].as_str())).or_default() += 1;
            }
            if by_min {
                sizes.entry((side, "x")).or_default();
            }
        }
        let floor_of = |side: Side, g: &str| {
            if by_min { usize::from(g == "x") } else { (rate * sizes[&(side, g)] as f64 - 1e-9).ceil() as usize }
        };
        // People of each (side, group) a set of chosen pairs matches.
        let matched_in = |pairs: &mut dyn Iterator<Item = (&str, &str)>| {
            let mut people: BTreeSet<(Side, &str)> = BTreeSet::new();
            for (g, r) in pairs {
                people.insert((Side::Giver, g));
                people.insert((Side::Receiver, r));
            }
            let mut matched: BTreeMap<(Side, String), usize> = BTreeMap::new();
            for (side, id) in people {
                *matched.entry((side, values[id].clone())).or_default() += 1;
            }
            matched
        };
        // The best (pairs, total) that meets the floors: the total alone under `score`.
        let mut best = (0, f64::NEG_INFINITY);
        let mut reach: BTreeMap<(Side, String), usize> = BTreeMap::new();
        each_matching(&allowed, &capacity, receivers, &mut |chosen| {
            let mut pairs = chosen.iter().map(|&k| (giver_ids[allowed[k].0], receiver_ids[allowed[k].1]));
            let matched = matched_in(&mut pairs);
            for (key, &n) in &matched {
                let at = reach.entry(key.clone()).or_default();
                *at = (*at).max(n);
            }
            let got = |side, g: &str| matched.get(&(side, g.to_string())).copied().unwrap_or(0);
            if sizes.keys().all(|&(side, g)| got(side, g) >= floor_of(side, g)) {
                let total: f64 = chosen.iter().map(|&k| allowed[k].2).sum();
                let count = if participation { chosen.len() } else { 0 };
                if count > best.0 || (count == best.0 && total > best.1) {
                    best = (count, total);
                }
            }
        });
        let reach_of = |side, g: &str| reach.get(&(side, g.to_string())).copied().unwrap_or(0);
        match pairwell_core::matching::match_read(read, rc.program, &config) {
            Ok(r) => {
                r.verify().map_err(|e| TestCaseError::fail(e.to_string()))?;
                prop_assert!((r.total - best.1).abs() < 1e-9, "total {} vs brute force {:?}", r.total, best);
                prop_assert!(!participation || r.pairs.len() == best.0);
                let matched = matched_in(&mut r.pairs.iter().map(|p| (p.giver.as_str(), p.receiver.as_str())));
                for (&(side, g), &size) in &sizes {
                    let got = matched.get(&(side, g.to_string())).copied().unwrap_or(0);
                    prop_assert!(got >= floor_of(side, g) && got <= size, "{:?} {}: {} of {}", side, g, got, size);
                }
                let floors = r.floor_groups();
                prop_assert_eq!(floors.len(), sides.len());
                for floor in floors {
                    prop_assert_eq!(floor.by, "department");
                    for (g, f) in floor.groups {
                        prop_assert_eq!(f, floor_of(floor.side, g));
                    }
                }
            }
            Err(MatchError::Floor(FloorError::Group { side, group, floor, reach: got, .. })) => {
                prop_assert!(best.1 == f64::NEG_INFINITY, "feasible floors refused: {:?}", best);
                prop_assert_eq!(floor, floor_of(side, &group));
                prop_assert_eq!(got, reach_of(side, &group));
                prop_assert!(got < floor);
            }
            Err(MatchError::Floor(FloorError::Together { .. })) => {
                prop_assert!(best.1 == f64::NEG_INFINITY, "feasible floors refused: {:?}", best);
                for &(side, g) in sizes.keys() {
                    prop_assert!(reach_of(side, g) >= floor_of(side, g), "group {:?} {} fails alone", side, g);
                }
            }
            Err(e) => prop_assert!(false, "{}", e),
        }
    }
}
