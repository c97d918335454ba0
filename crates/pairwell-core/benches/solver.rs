//! Criterion benchmarks of the core: the solver on the four matrix families of the brief, and
//! the whole engine (scoring + rules + solving) on sample cohorts. Peers (scipy, lap,
//! pathfinding) are timed side by side by `benches/solver_peers.py` at the repository root.
//!
//! `cargo bench -p pairwell-core` (add `-- solver/ties` to pick a group).

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, SamplingMode};
use ndarray::Array2;
use pairwell_core::matching::match_people;
use pairwell_core::program::{Config, Program};
use pairwell_core::rng::Rng;
use pairwell_core::sample::sample_cohort;
use pairwell_core::solve::{solve, SolveOptions};

/// A square matrix of one of the brief's families (`uniform`, `lowrank`, `ties`,
/// `machol_wien`), from a fixed seed so every run times the same matrices.
fn family(name: &str, n: usize) -> Array2<f64> {
    let mut rng = Rng::new(7);
    match name {
        "uniform" => Array2::from_shape_fn((n, n), |_| (rng.unit() * 1e6).floor()),
        "machol_wien" => Array2::from_shape_fn((n, n), |(i, j)| (i * j) as f64),
        "lowrank" | "ties" => {
            let a: Vec<f64> = (0..n * 8).map(|_| rng.unit()).collect();
            let b: Vec<f64> = (0..n * 8).map(|_| rng.unit()).collect();
            let low = Array2::from_shape_fn((n, n), |(i, j)| (0..8).map(|k| a[i * 8 + k] * b[j * 8 + k]).sum::<f64>());
            if name == "ties" {
                low.mapv(|x| (x * 4.0).round() / 4.0)
            } else {
                low
            }
        }
        other => panic!("unknown matrix family {other}"),
    }
}

fn solver(c: &mut Criterion) {
    for name in ["uniform", "lowrank", "ties", "machol_wien"] {
        let mut group = c.benchmark_group(format!("solver/{name}"));
        // Solves take up to a second: ten samples of equal length, not criterion's growing ones.
        group.sample_size(10).sampling_mode(SamplingMode::Flat);
        for n in [250, 500, 1000] {
            let cost = family(name, n);
            group.bench_with_input(BenchmarkId::from_parameter(n), &cost, |b, cost| {
                b.iter(|| solve(cost.view(), &SolveOptions::default()).unwrap());
            });
        }
        group.finish();
    }
}

fn engine(c: &mut Criterion) {
    let mut group = c.benchmark_group("engine/mentoring");
    group.sample_size(10);
    for n in [600, 6000] {
        let people = sample_cohort(n, 0).expect("a bench cohort fits in memory");
        group.bench_with_input(BenchmarkId::from_parameter(n), &people, |b, people| {
            b.iter(|| match_people(people.clone(), Program::Mentoring, &Config::default()).unwrap());
        });
    }
    group.finish();
}

criterion_group!(benches, solver, engine);
criterion_main!(benches);
