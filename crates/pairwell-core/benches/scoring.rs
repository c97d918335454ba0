//! Criterion benchmark of scoring: nanoseconds per giver → receiver pair on one core, score and
//! hard rules together, the work the engine's fill loop does for every pair. Sample cohorts of a
//! few sizes in all three programs, a 20,000-person cohort hung under a reporting chain
//! 2,000 deep (which must score as fast as the flat org), and mentoring with five custom
//! criteria (one of each kind, one hard) and everyone ranking five partners (`criteria`). Criterion reports pairs per second
//! (`thrpt`); ns per pair is 1,000 over its `Melem/s`.
//!
//! `cargo bench -p pairwell-core --bench scoring` (add `-- scoring/pairs/mentoring` to pick).

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, SamplingMode, Throughput};
use pairwell_core::cohort::{Cohort, Person};
use pairwell_core::program::{Config, Program, Settings};
use pairwell_core::rules::Rules;
use pairwell_core::sample::sample_cohort;
use pairwell_core::score::Scorer;

/// Depth of the reporting chain of the deep cohort.
const CHAIN: usize = 2000;
/// Givers scored per iteration: an even spread over the side, so one iteration stays short on
/// the largest cohorts while every kind of giver is in it.
const GIVERS: usize = 128;

/// `sample_cohort(n, 0)` with its first `CHAIN` people (the most senior: the sample lists
/// managers before their reports) each managed by the one before: everyone else keeps their
/// manager, so they hang below the chain at every depth down to about `CHAIN + 5`.
fn deep_chain(n: usize) -> Vec<Person> {
    let mut people = sample_cohort(n, 0).expect("sample cohort");
    for i in 1..CHAIN.min(n) {
        people[i].manager = Some(people[i - 1].id.clone());
    }
    people
}

/// Everything one program run over one cohort scores: the cohort, its scorer and rules, and
/// an even sample of its givers against every receiver.
struct Case {
    cohort: Cohort,
    scorer: Scorer,
    rules: Rules,
    givers: Vec<usize>,
    receivers: Vec<usize>,
}

impl Case {
    fn new(people: Vec<Person>, program: Program) -> Case {
        Case::with_config(people, program, &Config::default())
    }

    fn with_config(people: Vec<Person>, program: Program, config: &Config) -> Case {
        let settings = Settings::resolve(program, config).unwrap();
        let cohort = Cohort::new(people).unwrap();
        let scorer = Scorer::new(&cohort, &settings).unwrap();
        let side = |role| -> Vec<usize> {
            (0..cohort.people().len()).filter(|&i| cohort.people()[i].has_role(role)).collect()
        };
        let all_givers = side(program.giver_role());
        let step = all_givers.len().div_ceil(GIVERS).max(1);
        let givers = all_givers.into_iter().step_by(step).collect();
        let receivers = side(program.receiver_role());
        Case { cohort, scorer, rules: Rules::new([]), givers, receivers }
    }

    fn pairs(&self) -> u64 {
        (self.givers.len() * self.receivers.len()) as u64
    }

    /// Scores and checks every pair, as the fill loop does; returns how many are allowed.
    fn fill(&self) -> usize {
        let mut allowed = 0;
        for &g in &self.givers {
            let giver = self.scorer.row(g);
            for &r in &self.receivers {
                let pair = giver.pair(r);
                let gain = pair.giver_gain();
                let rule = self.rules.check(&self.cohort, &self.scorer, g, r, &pair);
                allowed += usize::from(rule.is_none() && gain >= 0.0);
            }
        }
        allowed
    }
}

fn pairs(c: &mut Criterion) {
    for program in Program::ALL {
        let mut group = c.benchmark_group(format!("scoring/pairs/{}", program.name()));
        group.sample_size(10).sampling_mode(SamplingMode::Flat);
        for n in [600, 6000, 20_000] {
            let case = Case::new(sample_cohort(n, 0).expect("sample cohort"), program);
            group.throughput(Throughput::Elements(case.pairs()));
            group.bench_with_input(BenchmarkId::from_parameter(n), &case, |b, case| b.iter(|| case.fill()));
        }
        group.finish();
    }
    let mut group = c.benchmark_group("scoring/pairs/deep_chain");
    group.sample_size(10).sampling_mode(SamplingMode::Flat);
    for program in Program::ALL {
        let case = Case::new(deep_chain(20_000), program);
        group.throughput(Throughput::Elements(case.pairs()));
        group.bench_with_input(BenchmarkId::new(program.name(), 20_000), &case, |b, case| b.iter(|| case.fill()));
    }
    group.finish();
}

/// One criterion of each kind, on fields every sample person has; `same` is hard.
const CRITERIA: &str = r#"
[[criteria]]
name = "covers"
kind = "overlap"
giver = "expertise"
receiver = "goals"
weight = 0.3
[[criteria]]
name = "department"
kind = "same"
giver = "department"
receiver = "department"
weight = 0.1
hard = true
[[criteria]]
name = "elsewhere"
kind = "different"
giver = "department"
receiver = "target"
weight = 0.1
[[criteria]]
name = "hours"
kind = "closeness"
giver = "timezone"
receiver = "timezone"
scale = 6
weight = 0.1
[[criteria]]
name = "speaks"
kind = "contains"
giver = "department"
receiver = "languages"
weight = 0.1
"#;

/// `people` with everyone ranking five others, spread over the cohort.
fn with_preferences(mut people: Vec<Person>) -> Vec<Person> {
    let ids: Vec<String> = people.iter().map(|p| p.id.clone()).collect();
    for (i, p) in people.iter_mut().enumerate() {
        p.preferences = (1..=5).map(|k| ids[(i + 97 * k) % ids.len()].clone()).collect();
    }
    people
}

/// Scoring with custom criteria and preferences against the same cohorts without them.
fn criteria(c: &mut Criterion) {
    let mut group = c.benchmark_group("scoring/pairs/criteria");
    group.sample_size(10).sampling_mode(SamplingMode::Flat);
    let config = Config::from_toml(CRITERIA).unwrap();
    for n in [6000, 20_000] {
        let people = with_preferences(sample_cohort(n, 0).expect("sample cohort"));
        let case = Case::with_config(people, Program::Mentoring, &config);
        group.throughput(Throughput::Elements(case.pairs()));
        group.bench_with_input(BenchmarkId::from_parameter(n), &case, |b, case| b.iter(|| case.fill()));
    }
    group.finish();
}

/// Preparing a scorer: interning names, and whatever the reporting chain costs up front.
fn setup(c: &mut Criterion) {
    let mut group = c.benchmark_group("scoring/setup");
    group.sample_size(10).sampling_mode(SamplingMode::Flat);
    let settings = Settings::resolve(Program::Mentoring, &Config::default()).unwrap();
    for (name, people) in
        [("flat", sample_cohort(20_000, 0).expect("sample cohort")), ("deep_chain", deep_chain(20_000))]
    {
        let cohort = Cohort::new(people).unwrap();
        group.bench_with_input(BenchmarkId::new(name, 20_000), &cohort, |b, cohort| {
            b.iter(|| Scorer::new(cohort, &settings).unwrap());
        });
    }
    group.finish();
}

criterion_group!(benches, pairs, criteria, setup);
criterion_main!(benches);
