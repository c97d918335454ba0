//! The solver against an independent implementation, `pathfinding::kuhn_munkres`, on larger
//! integer matrices than brute force can reach (both orientations, minimising and maximising,
//! tie-heavy ranges), plus known answers and every error the solver can return.

use ndarray::{array, Array2};
use pairwell_core::solve::{linear_sum_assignment, solve, solve_batch, SolveError, SolveOptions};
use pathfinding::kuhn_munkres::kuhn_munkres;
use pathfinding::matrix::Matrix;
use proptest::prelude::*;

/// The optimum by kuhn_munkres (which maximises, and needs rows <= columns).
fn reference(cost: &Array2<i64>, maximize: bool) -> i64 {
    let oriented = if cost.nrows() <= cost.ncols() { cost.clone() } else { cost.t().to_owned() };
    let sign = if maximize { 1 } else { -1 };
    let weights =
        Matrix::from_vec(oriented.nrows(), oriented.ncols(), oriented.iter().map(|&c| sign * c).collect()).unwrap();
    sign * kuhn_munkres(&weights).0
}

fn matrix() -> impl Strategy<Value = Array2<i64>> {
    (1usize..=40, 1usize..=40, prop_oneof![Just(3i64), Just(50), Just(1_000_000)]).prop_flat_map(|(n, m, range)| {
        proptest::collection::vec(0..range, n * m).prop_map(move |v| Array2::from_shape_vec((n, m), v).unwrap())
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]
    #[test]
    fn agrees_with_kuhn_munkres(cost in matrix(), maximize in any::<bool>()) {
        let costs = cost.mapv(|c| c as f64);
        let options = SolveOptions { maximize, ..SolveOptions::default() };
        let a = solve(costs.view(), &options).unwrap();
        prop_assert_eq!(a.objective, reference(&cost, maximize) as f64);
        prop_assert_eq!(a.rows.len(), cost.nrows().min(cost.ncols()));
        prop_assert!(a.rows.windows(2).all(|w| w[0] < w[1]));
        a.verify(costs.view(), &options).map_err(|e| TestCaseError::fail(e.to_string()))?;
    }
}

#[test]
fn known_answers() {
    // Example from the scipy.optimize.linear_sum_assignment documentation: optimum 5.
    let cost = array![[4.0, 1.0, 3.0], [2.0, 0.0, 5.0], [3.0, 2.0, 2.0]];
    assert_eq!(linear_sum_assignment(cost.view(), false).unwrap(), (vec![0, 1, 2], vec![1, 0, 2]));
    // Machol–Wien, c[i][j] = i·j: the anti-diagonal is optimal, sum of i·(n-1-i).
    let n = 60;
    let mw = Array2::from_shape_fn((n, n), |(i, j)| (i * j) as f64);
    let a = solve(mw.view(), &SolveOptions::default()).unwrap();
    assert_eq!(a.objective, (0..n).map(|i| (i * (n - 1 - i)) as f64).sum::<f64>());
}

#[test]
fn every_error_is_reported_with_its_place() {
    let opts = SolveOptions::default();
    let nan = array![[1.0, f64::NAN]];
    assert_eq!(solve(nan.view(), &opts).unwrap_err(), SolveError::NaN { row: 0, col: 1 });
    let neg = array![[1.0], [f64::NEG_INFINITY]];
    assert!(matches!(solve(neg.view(), &opts), Err(SolveError::Unbounded { row: 1, col: 0, .. })));
    let pos = array![[f64::INFINITY, 1.0]];
    assert!(matches!(solve(pos.view(), &SolveOptions::maximize()), Err(SolveError::Unbounded { row: 0, col: 0, .. })));
    let caps = SolveOptions { capacities: Some(vec![1]), ..SolveOptions::default() };
    assert_eq!(solve(array![[1.0], [2.0]].view(), &caps).unwrap_err(), SolveError::CapacityLength { got: 1, rows: 2 });
    let inf = f64::INFINITY;
    let rows = array![[1.0, inf], [2.0, inf]];
    assert!(matches!(solve(rows.view(), &opts), Err(SolveError::Infeasible { side: "row", .. })));
    let cols = array![[1.0, 2.0], [inf, inf], [inf, inf]];
    assert!(matches!(solve(cols.t(), &opts), Err(SolveError::Infeasible { side: "row", .. })));
    assert!(matches!(solve(cols.view(), &opts), Err(SolveError::Infeasible { side: "column", .. })));
    assert!(SolveError::NaN { row: 3, col: 4 }.to_string().contains("row 3, column 4"));
}

#[test]
fn empty_and_degenerate_shapes() {
    for shape in [(0, 3), (3, 0), (0, 0)] {
        let a = solve(Array2::<f64>::zeros(shape).view(), &SolveOptions::default()).unwrap();
        assert!(a.rows.is_empty() && a.cols.is_empty() && a.objective == 0.0);
    }
    // A row of capacity zero takes nothing, and the others still fill the columns.
    let cost = array![[0.0, 0.0], [5.0, 1.0], [1.0, 5.0]];
    let options = SolveOptions { capacities: Some(vec![0, 1, 1]), ..SolveOptions::default() };
    let a = solve(cost.view(), &options).unwrap();
    assert_eq!(a.pairs(), vec![(1, 1), (2, 0)]);
    a.verify(cost.view(), &options).unwrap();
}

#[test]
fn batch_keeps_input_order_and_matches_single_solves() {
    let problems: Vec<(Array2<f64>, SolveOptions)> = (0..12)
        .map(|k| {
            let m = Array2::from_shape_fn((5 + k % 4, 6), |(i, j)| ((i * 7 + j * 13 + k * 5) % 11) as f64);
            (m, SolveOptions { maximize: k % 2 == 0, ..SolveOptions::default() })
        })
        .collect();
    let batch = solve_batch(&problems);
    for ((cost, options), got) in problems.iter().zip(batch) {
        assert_eq!(got.unwrap(), solve(cost.view(), options).unwrap());
    }
}

#[test]
fn certificate_rejects_tampering() {
    let cost = array![[4.0, 1.0, 3.0], [2.0, 0.0, 5.0], [3.0, 2.0, 2.0]];
    let opts = SolveOptions::default();
    let good = solve(cost.view(), &opts).unwrap();
    let mut swapped = good.clone();
    swapped.cols.swap(0, 1);
    swapped.objective = swapped.pairs().iter().map(|&(r, c)| cost[[r, c]]).sum();
    assert!(swapped.verify(cost.view(), &opts).is_err());
    let mut dual = good.clone();
    dual.col_duals[2] += 1.0;
    assert!(dual.verify(cost.view(), &opts).is_err());
    let mut short = good;
    short.rows.pop();
    short.cols.pop();
    assert!(short.verify(cost.view(), &opts).is_err());
}

#[test]
fn huge_capacities_are_harmless() {
    let cost = array![[3.0, 1.0, 2.0], [0.0, 5.0, 5.0]];
    for allow_unmatched in [false, true] {
        let options =
            SolveOptions { capacities: Some(vec![usize::MAX, 1]), allow_unmatched, ..SolveOptions::default() };
        let a = solve(cost.view(), &options).unwrap();
        a.verify(cost.view(), &options).unwrap();
        assert_eq!(a.objective, if allow_unmatched { 0.0 } else { 3.0 });
    }
}
