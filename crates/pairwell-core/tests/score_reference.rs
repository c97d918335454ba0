//! The fast scorer and rules against a straightforward reference of the documented formulas:
//! the scorer as it was first written (names interned, sorted lists merged, every manager
//! chain walked), kept here and nowhere else. On random cohorts (duplicated and unknown words,
//! signed zeros, fractional proficiencies and offsets, many topics and languages, any
//! reporting tree) and under random settings, every field of every pair's score is the same
//! bit for bit, by [`Scorer::pair`] and by [`Scorer::row`], and the rules name the same rule.
//! A 2,000-deep reporting chain gives the reference's answers on reporting chains and on the
//! departments a giver leads.

use std::collections::HashMap;

use pairwell_core::cohort::{Cohort, Person, Role};
use pairwell_core::criteria::MAX_CRITERIA;
use pairwell_core::program::{Program, Settings, Weights};
use pairwell_core::rng::Rng;
use pairwell_core::rules::{Rule, Rules};
use pairwell_core::score::{Components, PairScore, Scorer};

// ---------------------------------------------------------------------------------------------
// The reference

const LEADS_TARGET: f64 = 0.7;
const FULL_UPLIFT: f64 = 2.0;
const WINDOW_FALLOFF: f64 = 2.0;
const CAN_TEACH: f64 = 3.0;

struct Profile {
    level: f64,
    timezone: Option<f64>,
    skills: Vec<(u32, f64)>,
    goals: Vec<u32>,
    expertise: Vec<u32>,
    target: Option<u32>,
    department: u32,
    leads: Vec<u32>,
    languages: Vec<u32>,
}

impl Profile {
    fn skill(&self, id: u32) -> f64 {
        self.skills.binary_search_by_key(&id, |&(k, _)| k).map_or(0.0, |i| self.skills[i].1)
    }
}

struct Reference {
    settings: Settings,
    profiles: Vec<Profile>,
}

fn sorted(mut v: Vec<u32>) -> Vec<u32> {
    v.sort_unstable();
    v.dedup();
    v
}

fn overlap(a: &[u32], b: &[u32]) -> usize {
    let (mut i, mut j, mut n) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                n += 1;
                i += 1;
                j += 1;
            }
        }
    }
    n
}

/// Whether `upper` manages `lower`, by walking up from `lower`.
fn manages(cohort: &Cohort, upper: usize, lower: usize) -> bool {
    let mut m = cohort.manager_of(lower);
    while let Some(boss) = m {
        if boss == upper {
            return true;
        }
        m = cohort.manager_of(boss);
    }
    false
}

impl Reference {
    fn new(cohort: &Cohort, settings: &Settings) -> Reference {
        let people = cohort.people();
        let mut names: Vec<&str> = people
            .iter()
            .flat_map(|p| {
                let lists = p.goals.iter().chain(&p.expertise).chain(&p.languages);
                p.skills.keys().chain(lists).chain(&p.target).chain([&p.department]).map(String::as_str)
            })
            .collect();
        names.sort_unstable();
        names.dedup();
        let words: HashMap<&str, u32> = names.iter().enumerate().map(|(i, &w)| (w, i as u32)).collect();
        let id = |w: &str| -> u32 { words[w] };
        let mut profiles: Vec<Profile> = people
            .iter()
            .map(|p: &Person| Profile {
                level: p.level,
                timezone: p.timezone,
                skills: p.skills.iter().map(|(k, &v)| (id(k), v)).collect(),
                goals: sorted(p.goals.iter().map(|g| id(g)).collect()),
                expertise: sorted(p.expertise.iter().map(|g| id(g)).collect()),
                target: p.target.as_deref().filter(|t| !t.is_empty()).map(id),
                department: id(&p.department),
                leads: Vec::new(),
                languages: sorted(p.languages.iter().map(|l| id(l)).collect()),
            })
            .collect();
        let mut leads: Vec<Vec<u32>> = profiles.iter().map(|p| vec![p.department]).collect();
        for (i, profile) in profiles.iter().enumerate() {
            let mut m = cohort.manager_of(i);
            while let Some(boss) = m {
                leads[boss].push(profile.department);
                m = cohort.manager_of(boss);
            }
        }
        for (profile, l) in profiles.iter_mut().zip(leads) {
            profile.leads = sorted(l);
        }
        Reference { settings: settings.clone(), profiles }
    }

    fn gap(&self, giver: usize, receiver: usize) -> f64 {
        self.settings.program.gap_sign() * (self.profiles[giver].level - self.profiles[receiver].level)
    }

    fn pair(&self, giver: usize, receiver: usize) -> PairScore {
        let g = &self.profiles[giver];
        let r = &self.profiles[receiver];
        let s = &self.settings;
        let share = |hits: f64, of: usize| if of == 0 { 0.0 } else { hits / of as f64 };

        let uplift: f64 = r.goals.iter().map(|&k| ((g.skill(k) - r.skill(k)) / FULL_UPLIFT).clamp(0.0, 1.0)).sum();
        let gap = self.gap(giver, receiver);
        let [lo, hi] = s.window;
        let outside = (lo - gap).max(gap - hi).max(0.0);
        let goals = match r.target {
            Some(t) if g.department == t => 1.0,
            Some(t) if g.leads.binary_search(&t).is_ok() => LEADS_TARGET,
            _ => 0.0,
        };
        let taught = g
            .goals
            .iter()
            .filter(|&&k| r.expertise.binary_search(&k).is_ok() || (r.skill(k) >= CAN_TEACH && r.skill(k) > g.skill(k)))
            .count();
        let components = Components {
            skills: share(uplift, r.goals.len()),
            seniority: (1.0 - outside / WINDOW_FALLOFF).max(0.0),
            goals,
            expertise: share(overlap(&r.goals, &g.expertise) as f64, r.goals.len()),
            reciprocity: share(taught as f64, g.goals.len()),
        };
        // An unknown time zone: a NaN gap and no penalty.
        let timezone_gap = match (g.timezone, r.timezone) {
            (Some(a), Some(b)) => {
                let d = (a - b).abs() % 24.0;
                d.min(24.0 - d)
            }
            _ => f64::NAN,
        };
        let shared_language =
            g.languages.is_empty() || r.languages.is_empty() || overlap(&g.languages, &r.languages) > 0;
        let logistics = (1.0 - s.timezone_weight * if timezone_gap.is_nan() { 0.0 } else { timezone_gap } / 12.0)
            * if shared_language { 1.0 } else { 1.0 - s.language_weight };
        let w = s.weights.to_array();
        let mean = components.to_array().iter().zip(w).map(|(c, w)| c * w).sum::<f64>() / w.iter().sum::<f64>();
        PairScore {
            score: (mean * logistics).clamp(0.0, 1.0),
            components,
            preference: 0.0,
            criteria: [0.0; MAX_CRITERIA],
            logistics,
            timezone_gap,
            shared_language,
            gap,
        }
    }

    fn check(&self, cohort: &Cohort, never: &[(usize, usize)], g: usize, r: usize, score: &PairScore) -> Option<Rule> {
        let s = &self.settings;
        let people = cohort.people();
        let gap = self.gap(g, r);
        if g == r {
            Some(Rule::SamePerson)
        } else if manages(cohort, g, r) || manages(cohort, r, g) {
            Some(Rule::ReportingChain)
        } else if !(s.gap_bounds[0] <= gap && gap <= s.gap_bounds[1]) {
            Some(Rule::SeniorityGap)
        } else if !s.allow_same_department
            && !people[g].department.is_empty()
            && people[g].department == people[r].department
        {
            Some(Rule::SameDepartment)
        } else if never.contains(&(g, r)) {
            Some(Rule::Never)
        } else if s.max_timezone_gap.is_some_and(|max| score.timezone_gap > max) {
            Some(Rule::TimezoneGap)
        } else if s.require_shared_language && !score.shared_language {
            Some(Rule::NoSharedLanguage)
        } else if score.score < s.min_score {
            Some(Rule::BelowMinScore)
        } else {
            None
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Random cohorts and settings

fn pick<'a>(rng: &mut Rng, items: &[&'a str]) -> &'a str {
    items[rng.below(items.len())]
}

/// Words `w0`, `w1`, ... : a few, or more than fit one 64-bit set.
fn words(prefix: &str, n: usize) -> Vec<String> {
    (0..n).map(|i| format!("{prefix}{i}")).collect()
}

fn some(rng: &mut Rng, pool: &[String], max: usize) -> Vec<String> {
    (0..rng.below(max + 1)).map(|_| pool[rng.below(pool.len())].clone()).collect()
}

/// Proficiencies and levels on a grid (ties are common) or anywhere, signed zeros included.
fn amount(rng: &mut Rng, max: f64) -> f64 {
    match rng.below(4) {
        0 => -0.0,
        1 => (rng.unit() * max).floor(),
        2 => (rng.unit() * max * 2.0).floor() / 2.0,
        _ => rng.unit() * max,
    }
}

const DEPARTMENTS: [&str; 5] = ["", "eng", "ops", "hr", "sales"];

/// `n` random people in a random reporting forest, listed in random order.
fn random_people(rng: &mut Rng, n: usize) -> Vec<Person> {
    let topics = words("t", if rng.below(3) == 0 { 90 } else { 7 });
    let languages = words("l", if rng.below(3) == 0 { 70 } else { 3 });
    let mut people: Vec<Person> = (0..n)
        .map(|i| {
            let mut p = Person::new(format!("p{i}"), amount(rng, 9.0));
            for t in some(rng, &topics, 6) {
                p.skills.insert(t, amount(rng, 5.0));
            }
            // Words nobody wants to learn, which count for nothing.
            if rng.below(3) == 0 {
                p.skills.insert(format!("x{}", rng.below(4)), amount(rng, 5.0));
                p.expertise.push(format!("x{}", rng.below(4)));
            }
            p.goals = some(rng, &topics, 4);
            p.expertise.extend(some(rng, &topics, 3));
            p.department = pick(rng, &DEPARTMENTS).to_string();
            p.target = match rng.below(4) {
                0 => None,
                1 => Some(String::new()),
                2 => Some("nowhere".to_string()),
                _ => Some(pick(rng, &DEPARTMENTS[1..]).to_string()),
            };
            p.timezone = (rng.below(8) != 0).then(|| amount(rng, 26.0) - 12.0);
            p.languages = some(rng, &languages, 3);
            p.roles = Role::ALL.into_iter().filter(|_| rng.below(2) == 0).collect();
            p
        })
        .collect();
    // Managers come earlier in creation order, so there are no cycles; then shuffle.
    for (i, p) in people.iter_mut().enumerate().skip(1) {
        if rng.below(5) != 0 {
            p.manager = Some(format!("p{}", rng.below(i)));
        }
    }
    rng.shuffle(&mut people);
    people
}

fn random_settings(rng: &mut Rng) -> Settings {
    let mut s = Program::ALL[rng.below(3)].preset();
    if rng.below(2) == 0 {
        let mut w = || if rng.below(4) == 0 { 0.0 } else { rng.unit() };
        s.weights = Weights::new(w(), w(), w(), w(), 0.1 + rng.unit());
    }
    let lo = amount(rng, 4.0) - 1.0;
    s.window = [lo, lo + amount(rng, 3.0)];
    s.gap_bounds = [lo - amount(rng, 3.0), lo + amount(rng, 8.0)];
    s.allow_same_department = rng.below(2) == 0;
    s.min_score = amount(rng, 0.5);
    s.timezone_weight = amount(rng, 1.0);
    s.language_weight = amount(rng, 1.0);
    s.max_timezone_gap = (rng.below(2) == 0).then(|| amount(rng, 12.0));
    s.require_shared_language = rng.below(3) == 0;
    s
}

// ---------------------------------------------------------------------------------------------
// Comparisons

fn bits(p: &PairScore) -> [u64; 10] {
    let c = p.components.to_array().map(f64::to_bits);
    [
        p.score.to_bits(),
        c[0],
        c[1],
        c[2],
        c[3],
        c[4],
        p.logistics.to_bits(),
        p.timezone_gap.to_bits(),
        u64::from(p.shared_language),
        p.gap.to_bits(),
    ]
}

/// Every pair in `pairs`: the same score, bit for bit, by `pair` and by `row`, and the same rule.
/// Returns how many of the pairs score [`LEADS_TARGET`] on goals.
fn same_as_reference(
    people: Vec<Person>,
    settings: &Settings,
    pairs: &[(usize, usize)],
    never: &[(usize, usize)],
) -> usize {
    let cohort = Cohort::new(people).unwrap();
    let scorer = Scorer::new(&cohort, settings).unwrap();
    let reference = Reference::new(&cohort, settings);
    let rules = Rules::new(never.iter().copied());
    let mut rows: HashMap<usize, _> = HashMap::new();
    for &(g, r) in pairs {
        let expected = reference.pair(g, r);
        let row = rows.entry(g).or_insert_with(|| scorer.row(g));
        for (how, got) in [("pair", scorer.pair(g, r)), ("row", row.pair(r))] {
            assert_eq!(bits(&got), bits(&expected), "{how} {g} -> {r}: {got:?}, expected {expected:?}");
        }
        let rule = rules.check(&cohort, &scorer, g, r, &expected);
        assert_eq!(rule, reference.check(&cohort, never, g, r, &expected), "rule of {g} -> {r}");
        assert_eq!(cohort.same_chain(g, r), g == r || manages(&cohort, g, r) || manages(&cohort, r, g));
    }
    pairs.iter().filter(|&&(g, r)| reference.pair(g, r).components.goals == LEADS_TARGET).count()
}

#[test]
fn random_cohorts_score_bit_for_bit_as_the_reference() {
    let mut rng = Rng::new(8);
    for _ in 0..300 {
        let n = 1 + rng.below(40);
        let people = random_people(&mut rng, n);
        let settings = random_settings(&mut rng);
        let pairs: Vec<(usize, usize)> = (0..n).flat_map(|g| (0..n).map(move |r| (g, r))).collect();
        let never: Vec<(usize, usize)> = (0..rng.below(4)).map(|_| pairs[rng.below(pairs.len())]).collect();
        same_as_reference(people, &settings, &pairs, &never);
    }
}

#[test]
fn a_reporting_chain_2000_deep_answers_as_the_walk_does() {
    let mut rng = Rng::new(9);
    let n = 2300;
    let mut people = random_people(&mut rng, n);
    // People 0..2000 form one chain; the rest hang anywhere below it (or stand alone).
    for i in 0..n {
        people[i].manager = match i {
            0 => None,
            1..2000 => Some(people[i - 1].id.clone()),
            _ if rng.below(10) == 0 => None,
            _ => Some(people[rng.below(i)].id.clone()),
        };
    }
    rng.shuffle(&mut people);
    let mut pairs: Vec<(usize, usize)> = (0..20_000).map(|_| (rng.below(n), rng.below(n))).collect();
    // The chain's top and bottom against everyone.
    for end in ["p0", "p1999"] {
        let x = people.iter().position(|p| p.id == end).unwrap();
        pairs.extend((0..n).flat_map(|y| [(x, y), (y, x)]));
    }
    let leading = same_as_reference(people, &Program::Sponsoring.preset(), &pairs, &[]);
    assert!(leading > 1000, "only {leading} pairs where the giver leads people in the target");
}
