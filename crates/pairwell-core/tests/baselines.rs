//! The baselines on random problems: every method respects the allowed pairs and the
//! capacities, deferred acceptance leaves no blocking pair, and the exact optimum's total is
//! never beaten by any baseline.

use ndarray::Array2;
use pairwell_core::baselines::{greedy, random, stable, Problem};
use pairwell_core::solve::{solve, SolveOptions};
use proptest::prelude::*;

fn problem() -> impl Strategy<Value = (Array2<f64>, Array2<f64>, Vec<usize>)> {
    (1usize..=7, 1usize..=9).prop_flat_map(|(n, m)| {
        let score = proptest::collection::vec(
            prop_oneof![4 => (0u8..=8).prop_map(|v| f64::from(v) / 8.0), 1 => Just(f64::NEG_INFINITY)],
            n * m,
        );
        let gain = proptest::collection::vec((0u8..=4).prop_map(|v| f64::from(v) / 4.0), n * m);
        let caps = proptest::collection::vec(0usize..=3, n);
        (score, gain, caps).prop_map(move |(s, g, c)| {
            (Array2::from_shape_vec((n, m), s).unwrap(), Array2::from_shape_vec((n, m), g).unwrap(), c)
        })
    })
}

/// Panics unless `pairs` uses allowed pairs only, each receiver once, each giver within capacity.
fn assert_feasible(p: &Problem<'_>, pairs: &[(usize, usize)]) {
    let mut load = vec![0; p.capacities.len()];
    let mut used = vec![false; p.score.ncols()];
    for &(g, r) in pairs {
        assert!(p.score[[g, r]].is_finite(), "forbidden pair ({g}, {r}) in {pairs:?}");
        assert!(!used[r], "receiver {r} twice in {pairs:?}");
        used[r] = true;
        load[g] += 1;
        assert!(load[g] <= p.capacities[g], "giver {g} over capacity in {pairs:?}");
    }
}

fn total(p: &Problem<'_>, pairs: &[(usize, usize)]) -> f64 {
    pairs.iter().map(|&pair| p.score[pair]).sum()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]
    #[test]
    fn baselines_are_feasible_and_never_beat_the_optimum((score, gain, caps) in problem(), seed in any::<u64>()) {
        let p = Problem { score: score.view(), gain: gain.view(), capacities: &caps };
        let options = SolveOptions { maximize: true, capacities: Some(caps.clone()), allow_unmatched: true };
        let optimum = solve(score.view(), &options).unwrap().objective;
        for pairs in [greedy(&p), random(&p, seed), stable(&p)] {
            assert_feasible(&p, &pairs);
            prop_assert!(total(&p, &pairs) <= optimum + 1e-9);
        }
        prop_assert_eq!(p.blocking_pairs(&stable(&p)), 0);
        prop_assert_eq!(random(&p, seed), random(&p, seed));
    }
}

#[test]
fn blocking_pairs_are_counted() {
    // Both receivers prefer giver 0; giver 0 prefers receiver 1 but holds receiver 0.
    let score = ndarray::array![[0.9, 0.9], [0.1, 0.1]];
    let gain = ndarray::array![[0.0, 1.0], [0.5, 0.5]];
    let p = Problem { score: score.view(), gain: gain.view(), capacities: &[1, 1] };
    assert_eq!(p.blocking_pairs(&[(0, 0), (1, 1)]), 1);
    assert_eq!(p.blocking_pairs(&stable(&p)), 0);
    assert_eq!(stable(&p), vec![(0, 1), (1, 0)]);
}
