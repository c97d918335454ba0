//! The matching engine on hand-made cohorts: each program pairs whom a person would pair,
//! every rule and config key works, pins and capacities hold, the optimum and every regret
//! equal brute force on random small cohorts and pass the certificate, input order never
//! changes the pairs, and every bad input is rejected with the field and the id.

use pairwell_core::cohort::{CohortError, Person, Role};
use pairwell_core::matching::{match_people, MatchError, MatchResult, Reason, Side};
use pairwell_core::program::{Config, ConfigError, Program};
use pairwell_core::rules::Rule;
use proptest::prelude::*;

/// A person built field by field.
fn person(id: &str, level: f64, roles: &[Role]) -> Person {
    Person { roles: roles.to_vec(), department: "ops".into(), ..Person::new(id, level) }
}

fn with(mut p: Person, f: impl FnOnce(&mut Person)) -> Person {
    f(&mut p);
    p
}

fn pairs(r: &MatchResult) -> Vec<(String, String)> {
    r.pairs.iter().map(|p| (p.giver.clone(), p.receiver.clone())).collect()
}

fn pair(g: &str, r: &str) -> (String, String) {
    (g.to_string(), r.to_string())
}

fn config(json: &str) -> Config {
    Config::from_json(json).unwrap()
}

/// Two mentors with different strengths, two mentees who want one strength each.
fn mentoring_cohort() -> Vec<Person> {
    use Role::*;
    vec![
        with(person("ana", 6.0, &[Mentor]), |p| {
            p.skills = [("python".into(), 5.0)].into();
            p.expertise = vec!["python".into()];
        }),
        with(person("bo", 6.0, &[Mentor]), |p| {
            p.skills = [("sales".into(), 5.0)].into();
            p.expertise = vec!["sales".into()];
        }),
        with(person("cy", 4.0, &[Mentee]), |p| p.goals = vec!["sales".into()]),
        with(person("di", 4.0, &[Mentee]), |p| p.goals = vec!["python".into()]),
    ]
}

#[test]
fn mentoring_pairs_each_mentee_with_the_mentor_who_knows_their_goal() {
    let r = match_people(mentoring_cohort(), Program::Mentoring, &Config::default()).unwrap();
    assert_eq!(pairs(&r), vec![pair("ana", "di"), pair("bo", "cy")]);
    assert!(r.unmatched.is_empty());
    r.verify().unwrap();
    let e = r.explain("ana", "cy").unwrap();
    assert!(e.allowed && !e.matched && e.regret.unwrap() > 0.0);
    assert_eq!(r.explain("ana", "di").unwrap().regret, Some(0.0));
}

#[test]
fn sponsoring_follows_the_destination() {
    use Role::*;
    let people = vec![
        with(person("fin", 7.0, &[Sponsor]), |p| p.department = "finance".into()),
        with(person("eng", 7.0, &[Sponsor]), |p| p.department = "engineering".into()),
        with(person("pat", 4.0, &[Protege]), |p| p.target = Some("engineering".into())),
        with(person("quinn", 4.0, &[Protege]), |p| p.target = Some("finance".into())),
    ];
    let r = match_people(people, Program::Sponsoring, &Config::default()).unwrap();
    assert_eq!(pairs(&r), vec![pair("eng", "pat"), pair("fin", "quinn")]);
    assert_eq!(r.pairs[0].score.components.goals, 1.0);
}

#[test]
fn reverse_mentoring_reverses_the_direction() {
    use Role::*;
    let junior = with(person("jun", 2.0, &[ReverseMentor, Mentee]), |p| {
        p.skills = [("genai".into(), 5.0)].into();
        p.expertise = vec!["genai".into()];
        p.goals = vec!["strategy".into()];
    });
    let senior = with(person("sen", 6.0, &[ReverseMentee, Mentor]), |p| {
        p.skills = [("strategy".into(), 5.0)].into();
        p.expertise = vec!["strategy".into()];
        p.goals = vec!["genai".into()];
    });
    let people = vec![junior, senior];
    let reverse = match_people(people.clone(), Program::ReverseMentoring, &Config::default()).unwrap();
    assert_eq!(pairs(&reverse), vec![pair("jun", "sen")]);
    let forward = match_people(people, Program::Mentoring, &Config::default()).unwrap();
    assert_eq!(pairs(&forward), vec![pair("sen", "jun")]);
    let (rs, fs) = (&reverse.pairs[0].score, &forward.pairs[0].score);
    assert_eq!(rs.gap, 4.0);
    assert_eq!(fs.gap, 4.0);
    assert_eq!(rs.components.expertise, 1.0);
    assert_eq!(rs.components.reciprocity, 1.0); // the senior teaches strategy back
                                                // The junior cannot mentor the senior in the mentoring program: wrong direction.
    let wrong_way = match_people(
        vec![with(person("jun", 2.0, &[Role::Mentor]), |_| {}), person("sen", 6.0, &[Role::Mentee])],
        Program::Mentoring,
        &Config::default(),
    )
    .unwrap();
    assert!(wrong_way.pairs.is_empty());
    assert_eq!(wrong_way.explain("jun", "sen").unwrap().rule, Some(Rule::SeniorityGap));
}

#[test]
fn every_rule_forbids_its_pairs() {
    use Role::*;
    let base = || {
        vec![
            with(person("boss", 7.0, &[Mentor]), |p| p.languages = vec!["en".into()]),
            with(person("mid", 5.0, &[Mentor, Mentee]), |p| p.manager = Some("boss".into())),
            with(person("low", 3.0, &[Mentee]), |p| {
                p.manager = Some("mid".into());
                p.department = "sales".into();
            }),
            with(person("far", 4.0, &[Mentee]), |p| {
                p.timezone = 9.0;
                p.department = "sales".into();
                p.languages = vec!["ja".into()];
            }),
            with(person("peer", 6.5, &[Mentee]), |p| p.department = "sales".into()),
        ]
    };
    let explain = |cfg: &str, g: &str, r: &str| {
        let result = match_people(base(), Program::Mentoring, &config(cfg)).unwrap();
        result.explain(g, r).unwrap().rule
    };
    assert_eq!(explain("{}", "mid", "mid"), Some(Rule::SamePerson));
    assert_eq!(explain("{}", "boss", "low"), Some(Rule::ReportingChain)); // two levels down
    assert_eq!(explain("{}", "boss", "mid"), Some(Rule::ReportingChain));
    assert_eq!(explain("{}", "boss", "peer"), Some(Rule::SeniorityGap)); // gap 0.5 < 1
    assert_eq!(explain("{}", "mid", "far"), None);
    assert_eq!(explain(r#"{"same_department": false}"#, "boss", "mid"), Some(Rule::ReportingChain));
    assert_eq!(explain(r#"{"same_department": false}"#, "mid", "far"), None);
    assert_eq!(explain(r#"{"never": [["mid", "far"]]}"#, "mid", "far"), Some(Rule::Never));
    assert_eq!(explain(r#"{"max_timezone_gap": 8}"#, "mid", "far"), Some(Rule::TimezoneGap));
    assert_eq!(explain(r#"{"require_shared_language": true}"#, "boss", "far"), Some(Rule::NoSharedLanguage));
    assert_eq!(explain(r#"{"require_shared_language": true}"#, "mid", "far"), None); // mid lists none
    assert_eq!(explain(r#"{"min_score": 0.99}"#, "mid", "far"), Some(Rule::BelowMinScore));
    assert_eq!(explain(r#"{"gap_bounds": [0, 0.5]}"#, "mid", "far"), Some(Rule::SeniorityGap));
    assert_eq!(explain("{}", "low", "far"), Some(Rule::NotOptedIn));
    let same_dept = vec![person("a", 6.0, &[Mentor]), person("b", 4.0, &[Mentee])];
    let r = match_people(same_dept, Program::Mentoring, &config(r#"{"same_department": false}"#)).unwrap();
    assert_eq!(r.explain("a", "b").unwrap().rule, Some(Rule::SameDepartment));
}

#[test]
fn config_keys_change_scores_and_windows() {
    let cohort = mentoring_cohort();
    let plain =
        match_people(cohort.clone(), Program::Mentoring, &config(r#"{"timezone_weight": 0, "language_weight": 0}"#))
            .unwrap();
    let s = &plain.pairs[0].score;
    let w = Program::Mentoring.preset().weights.to_array();
    let mean = s.components.to_array().iter().zip(w).map(|(c, w)| c * w).sum::<f64>() / w.iter().sum::<f64>();
    assert!((s.score - mean).abs() < 1e-12, "score is the weighted mean");
    let only_seniority = match_people(
        cohort.clone(),
        Program::Mentoring,
        &config(r#"{"weights": {"skills": 0, "goals": 0, "expertise": 0, "reciprocity": 0}}"#),
    )
    .unwrap();
    assert!(only_seniority.pairs.iter().all(|p| (p.score.score - p.score.components.seniority).abs() < 1e-12));
    let window = match_people(cohort, Program::Mentoring, &config(r#"{"window": [3, 4]}"#)).unwrap();
    assert!(window.pairs.iter().all(|p| p.score.components.seniority == 0.5));
    let toml = Config::from_toml("min_score = 0.2\nsame_department = true\n[weights]\ngoals = 0.5\n").unwrap();
    assert_eq!(toml.min_score, Some(0.2));
}

#[test]
fn capacities_pins_and_unmatched_reasons() {
    use Role::*;
    let people = vec![
        with(person("m1", 6.0, &[Mentor]), |p| p.capacity = 2),
        person("m2", 6.0, &[Mentor]),
        person("e1", 4.0, &[Mentee]),
        person("e2", 4.0, &[Mentee]),
        person("e3", 4.0, &[Mentee]),
        person("e4", 4.0, &[Mentee]),
        with(person("e5", 5.8, &[Mentee]), |p| p.manager = Some("m1".into())),
    ];
    let r = match_people(people.clone(), Program::Mentoring, &config(r#"{"pin": [["m2", "e4"]]}"#)).unwrap();
    let load = |g: &str| r.pairs.iter().filter(|p| p.giver == g).count();
    assert_eq!((load("m1"), load("m2")), (2, 1));
    assert!(r.pairs.iter().any(|p| p.giver == "m2" && p.receiver == "e4" && p.pinned));
    r.verify().unwrap();
    assert_eq!(r.explain("m1", "e4").unwrap().rule, Some(Rule::Pinned));
    let e5 = r.unmatched.iter().find(|u| u.id == "e5").unwrap();
    assert_eq!((e5.side, e5.reason), (Side::Receiver, Reason::NoEligiblePartner));
    let taken = r.unmatched.iter().filter(|u| u.reason == Reason::PartnersTaken).count();
    assert_eq!(taken, 1);
    let strict = match_people(people.clone(), Program::Mentoring, &config(r#"{"min_score": 0.9}"#)).unwrap();
    assert!(strict.pairs.is_empty());
    assert!(strict.unmatched.iter().filter(|u| u.id != "e5").all(|u| u.reason == Reason::BelowMinScore));

    let pin_err = |cfg: &str| match_people(people.clone(), Program::Mentoring, &config(cfg)).unwrap_err();
    assert!(
        matches!(pin_err(r#"{"pin": [["m1", "e5"]]}"#), MatchError::Pin { reason, .. } if reason.contains("reporting_chain"))
    );
    assert!(
        matches!(pin_err(r#"{"pin": [["m2", "e1"], ["m2", "e2"]]}"#), MatchError::Pin { reason, .. } if reason.contains("capacity"))
    );
    assert!(
        matches!(pin_err(r#"{"pin": [["m1", "e1"], ["m2", "e1"]]}"#), MatchError::Pin { reason, .. } if reason.contains("twice"))
    );
    assert!(
        matches!(pin_err(r#"{"pin": [["e1", "e2"]]}"#), MatchError::Pin { reason, .. } if reason.contains("giver role"))
    );
    assert_eq!(pin_err(r#"{"never": [["m1", "zz"]]}"#), MatchError::UnknownId { key: "never", id: "zz".into() });
    assert_eq!(pin_err(r#"{"pin": [["zz", "e1"]]}"#), MatchError::UnknownId { key: "pin", id: "zz".into() });
}

#[test]
fn bad_input_names_the_field_and_the_id() {
    let run = |people: Vec<Person>| match_people(people, Program::Mentoring, &Config::default()).unwrap_err();
    let dup = run(vec![person("a", 1.0, &[]), person("a", 2.0, &[])]);
    assert_eq!(dup, MatchError::Cohort(CohortError::DuplicateId { id: "a".into(), first: 0, second: 1 }));
    let nan = run(vec![person("a", f64::NAN, &[])]).to_string();
    assert!(nan.contains("\"a\"") && nan.contains("level"), "{nan}");
    let boss = run(vec![with(person("a", 1.0, &[]), |p| p.manager = Some("ghost".into()))]).to_string();
    assert!(boss.contains("ghost") && boss.contains("\"a\""), "{boss}");
    let cycle = run(vec![
        with(person("a", 1.0, &[]), |p| p.manager = Some("b".into())),
        with(person("b", 2.0, &[]), |p| p.manager = Some("a".into())),
    ]);
    assert!(matches!(cycle, MatchError::Cohort(CohortError::ManagerCycle { .. })), "{cycle}");
    let skill = run(vec![with(person("a", 1.0, &[]), |p| p.skills = [("sql".into(), 7.0)].into())]).to_string();
    assert!(skill.contains("skills.sql") && skill.contains("\"a\""), "{skill}");
    assert_eq!(run(Vec::new()), MatchError::Cohort(CohortError::Empty));
    assert!(matches!("coaching".parse::<Program>(), Err(ConfigError::UnknownProgram(_))));
    let unknown = Config::from_json(r#"{"wieghts": {}}"#).unwrap_err().to_string();
    assert!(unknown.contains("wieghts"), "{unknown}");
    let unknown_weight = Config::from_toml("[weights]\nluck = 1\n").unwrap_err().to_string();
    assert!(unknown_weight.contains("luck"), "{unknown_weight}");
    let negative =
        match_people(mentoring_cohort(), Program::Mentoring, &config(r#"{"weights": {"skills": -1}}"#)).unwrap_err();
    assert!(negative.to_string().contains("weights.skills"), "{negative}");
    assert!(Config::from_json(r#"{"min_score": "high"}"#).is_err());
}

/// A random small cohort: everyone opts into both mentoring roles, with random levels, skills,
/// goals, departments, managers (always an earlier person, so no cycles) and capacities.
fn small_cohort() -> impl Strategy<Value = Vec<Person>> {
    proptest::collection::vec((1u8..=8, 0u8..4, 0u8..4, 0u8..3, 0usize..8, 1u32..=2), 2..=6).prop_map(|rows| {
        let topics = ["a", "b", "c", "d"];
        rows.iter()
            .enumerate()
            .map(|(i, &(level, skill, goal, dept, boss, capacity))| {
                with(person(&format!("p{i}"), f64::from(level), &[Role::Mentor, Role::Mentee]), |p| {
                    p.skills = [(topics[skill as usize].to_string(), f64::from(level % 6))].into();
                    p.goals = vec![topics[goal as usize].to_string()];
                    p.expertise = vec![topics[skill as usize].to_string()];
                    p.department = ["x", "y", "z"][dept as usize].into();
                    p.manager = (i > 0 && boss < i).then(|| format!("p{boss}"));
                    p.capacity = capacity;
                })
            })
            .collect()
    })
}

/// Best total over every set of allowed pairs within capacities, by brute force; `forced`
/// pairs must be in the set.
fn brute(r: &MatchResult, forced: Option<(&str, &str)>) -> f64 {
    let (givers, receivers) = r.participants();
    let mut options: Vec<Vec<(usize, f64)>> = Vec::new(); // per receiver: (giver, score)
    for rid in &receivers {
        let mut row = Vec::new();
        for (gi, gid) in givers.iter().enumerate() {
            let e = r.explain(gid, rid).unwrap();
            let pinned_ok = forced.is_none_or(|(fg, fr)| fr != *rid || fg == *gid);
            if e.allowed && pinned_ok {
                row.push((gi, e.score.score));
            }
        }
        options.push(row);
    }
    let capacity: Vec<u32> =
        givers.iter().map(|g| r.cohort().people()[r.cohort().position(g).unwrap()].capacity).collect();
    let must: Option<usize> = forced.map(|(_, fr)| receivers.iter().position(|x| *x == fr).unwrap());
    fn rec(k: usize, options: &[Vec<(usize, f64)>], load: &mut [u32], cap: &[u32], must: Option<usize>) -> f64 {
        if k == options.len() {
            return 0.0;
        }
        let mut best = if must == Some(k) { f64::NEG_INFINITY } else { rec(k + 1, options, load, cap, must) };
        for &(g, s) in &options[k] {
            if load[g] < cap[g] {
                load[g] += 1;
                best = best.max(s + rec(k + 1, options, load, cap, must));
                load[g] -= 1;
            }
        }
        best
    }
    rec(0, &options, &mut vec![0; givers.len()], &capacity, must)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]
    #[test]
    fn optimum_and_regrets_equal_brute_force(people in small_cohort(), reversed in any::<bool>()) {
        let r = match_people(people.clone(), Program::Mentoring, &Config::default()).unwrap();
        r.verify().map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert!((r.total - brute(&r, None)).abs() < 1e-9);
        let (givers, receivers) = r.participants();
        for g in &givers {
            for rc in &receivers {
                let e = r.explain(g, rc).unwrap();
                if let Some(regret) = e.regret {
                    let forced = brute(&r, Some((g, rc)));
                    prop_assert!((r.total - forced - regret).abs() < 1e-9, "{} -> {}: regret {} vs {}", g, rc, regret, r.total - forced);
                }
            }
        }
        // The same people in another order give the same pairs.
        let mut shuffled = people;
        if reversed { shuffled.reverse() } else { shuffled.rotate_left(1) }
        let again = match_people(shuffled, Program::Mentoring, &Config::default()).unwrap();
        prop_assert_eq!(pairs(&again), pairs(&r));
    }
}
