//! The solver against an independent implementation, `pathfinding::kuhn_munkres`, on integer
//! matrices up to 60 × 60 — far beyond what brute force (`solve_brute.rs`) reaches — in both
//! orientations, both senses, tie-heavy value ranges, with capacities, forbidden pairs and the
//! unmatched-allowed mode; every answer is also checked by its own certificate. Then known
//! answers with their sources, every `SolveError` variant with the place it names, empty
//! shapes, capacity-zero rows, batches, and certificates that must fail once tampered with.

use std::collections::BTreeSet;

use ndarray::{array, Array2};
use pairwell_core::cancel::Token;
use pairwell_core::solve::{
    linear_sum_assignment, solve, solve_batch, Assignment, CertificateError, SolveError, SolveOptions,
};
use pathfinding::kuhn_munkres::kuhn_munkres;
use pathfinding::matrix::Matrix;
use proptest::prelude::*;

/// kuhn_munkres weight of a forbidden pair: more negative than any feasible assignment of the
/// test matrices can offset (at most 180 pairs of |cost| <= 1e6), so an optimum that contains
/// one means every complete assignment needs a forbidden pair.
const FORBIDDEN_WEIGHT: i64 = -(1 << 40);

/// The optimum by kuhn_munkres; `None` when no complete assignment avoids forbidden pairs.
///
/// kuhn_munkres maximises over assignments that place every row of a matrix with no more rows
/// than columns, so the problem is rewritten for it: one row per unit of capacity, costs
/// negated when minimising, forbidden pairs weighted [`FORBIDDEN_WEIGHT`], one zero-weight
/// dummy column per row copy in the unmatched-allowed mode (a copy that takes its dummy stays
/// unmatched), and a tall matrix transposed.
fn reference(cost: &Array2<f64>, options: &SolveOptions) -> Option<f64> {
    let sign = if options.maximize { 1.0 } else { -1.0 };
    let caps = options.capacities.clone().unwrap_or_else(|| vec![1; cost.nrows()]);
    let copies: Vec<usize> = caps.iter().enumerate().flat_map(|(row, &k)| std::iter::repeat_n(row, k)).collect();
    let dummies = if options.allow_unmatched { copies.len() } else { 0 };
    let weights =
        Array2::from_shape_fn((copies.len(), cost.ncols() + dummies), |(k, j)| match cost.get([copies[k], j]) {
            Some(c) if c.is_finite() => (sign * c) as i64,
            Some(_) => FORBIDDEN_WEIGHT,
            None => 0,
        });
    let weights = if weights.nrows() > weights.ncols() { weights.reversed_axes() } else { weights };
    if weights.is_empty() {
        return Some(0.0);
    }
    let matrix = Matrix::from_vec(weights.nrows(), weights.ncols(), weights.iter().copied().collect()).unwrap();
    let (total, _) = kuhn_munkres(&matrix);
    (total > FORBIDDEN_WEIGHT / 2).then_some(sign * total as f64)
}

/// A random integer problem: up to 40 × 60 in either orientation, values drawn from a range of
/// 2, 3, 50 or 10⁶ levels (the small ones are all ties), sometimes forbidden pairs, capacities
/// (0 to 3 per row) and the unmatched-allowed mode.
fn case() -> impl Strategy<Value = (Array2<f64>, SolveOptions)> {
    let shape = (1usize..=40, 1usize..=60, any::<bool>()).prop_map(|(n, m, tall)| if tall { (m, n) } else { (n, m) });
    let levels = prop_oneof![Just(2i64), Just(3), Just(50), Just(1_000_000)];
    let forbidden_percent = prop_oneof![3 => Just(0u32), 1 => 1u32..40];
    (shape, levels, forbidden_percent, any::<bool>(), any::<bool>(), any::<bool>()).prop_flat_map(
        |((n, m), levels, forbidden_percent, maximize, use_caps, allow_unmatched)| {
            let cells = proptest::collection::vec((0..levels, 0u32..100), n * m);
            let caps = proptest::collection::vec(0usize..=3, n);
            (cells, caps).prop_map(move |(cells, caps)| {
                let forbidden = if maximize { f64::NEG_INFINITY } else { f64::INFINITY };
                let values =
                    cells.iter().map(|&(c, p)| if p < forbidden_percent { forbidden } else { c as f64 }).collect();
                let cost = Array2::from_shape_vec((n, m), values).unwrap();
                (cost, SolveOptions { maximize, capacities: use_caps.then_some(caps), allow_unmatched })
            })
        },
    )
}

/// The certificate of `a` holds, its objective is the sum of its pairs, and its pairs are
/// sorted by row with each column used once.
fn check_consistent(a: &Assignment, cost: &Array2<f64>, options: &SolveOptions) -> Result<(), TestCaseError> {
    a.verify(cost.view(), options).map_err(|e| TestCaseError::fail(e.to_string()))?;
    prop_assert_eq!(a.objective, a.pairs().iter().map(|&(r, c)| cost[[r, c]]).sum::<f64>());
    prop_assert!(a.rows.windows(2).all(|w| w[0] <= w[1]));
    prop_assert_eq!(a.cols.iter().collect::<BTreeSet<_>>().len(), a.cols.len());
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]
    #[test]
    fn agrees_with_kuhn_munkres((cost, options) in case()) {
        let expected = reference(&cost, &options);
        match solve(cost.view(), &options) {
            Ok(a) => {
                prop_assert_eq!(Some(a.objective), expected);
                check_consistent(&a, &cost, &options)?;
                if options.capacities.is_none() && !options.allow_unmatched {
                    prop_assert_eq!(a.rows.len(), cost.nrows().min(cost.ncols()));
                    let scipy_style = linear_sum_assignment(cost.view(), options.maximize).unwrap();
                    prop_assert_eq!(scipy_style, (a.rows, a.cols));
                }
            }
            Err(SolveError::Infeasible { .. }) => prop_assert_eq!(expected, None),
            Err(e) => prop_assert!(false, "unexpected error {e}"),
        }
    }
}

#[test]
fn textbook_example() {
    // Wikipedia, "Hungarian algorithm", section "Example": Alice, Bob and Carol bid for
    // cleaning the bathroom, sweeping the floors and washing the windows; the minimum cost is
    // $15, with Alice on the bathroom, Bob on the windows and Carol on the floors.
    let cost = array![[8.0, 4.0, 7.0], [5.0, 2.0, 3.0], [9.0, 4.0, 8.0]];
    assert_eq!(linear_sum_assignment(cost.view(), false).unwrap(), (vec![0, 1, 2], vec![0, 2, 1]));
    assert_eq!(solve(cost.view(), &SolveOptions::default()).unwrap().objective, 15.0);
}

#[test]
fn scipy_documentation_example() {
    // The example of scipy.optimize.linear_sum_assignment's documentation: optimum 5.
    let cost = array![[4.0, 1.0, 3.0], [2.0, 0.0, 5.0], [3.0, 2.0, 2.0]];
    assert_eq!(linear_sum_assignment(cost.view(), false).unwrap(), (vec![0, 1, 2], vec![1, 0, 2]));
}

#[test]
fn pathfinding_documentation_example() {
    // The art-gallery example of pathfinding::kuhn_munkres's documentation, maximising: $325
    // with Ann on the painting, Bernard on the cloth and Claude on the statue.
    let bids = array![[100.0, 110.0, 90.0], [95.0, 130.0, 75.0], [95.0, 140.0, 65.0]];
    let a = solve(bids.view(), &SolveOptions::maximize()).unwrap();
    assert_eq!((a.cols, a.objective), (vec![2, 0, 1], 325.0));
}

#[test]
fn machol_wien() {
    // c[i][j] = i·j, the hard family of Machol & Wien (1976). By the rearrangement inequality
    // the anti-diagonal is a minimum, Σ i·(n-1-i), and the diagonal a maximum, Σ i².
    for n in [1, 2, 3, 7, 30, 60] {
        let cost = Array2::from_shape_fn((n, n), |(i, j)| (i * j) as f64);
        let min = solve(cost.view(), &SolveOptions::default()).unwrap();
        assert_eq!(min.objective, (0..n).map(|i| (i * (n - 1 - i)) as f64).sum::<f64>(), "n = {n}");
        min.verify(cost.view(), &SolveOptions::default()).unwrap();
        let max = solve(cost.view(), &SolveOptions::maximize()).unwrap();
        assert_eq!(max.objective, (0..n).map(|i| (i * i) as f64).sum::<f64>(), "n = {n}");
        max.verify(cost.view(), &SolveOptions::maximize()).unwrap();
    }
}

/// Position of an error's variant. The match is exhaustive, so a new variant stops this file
/// compiling until `every_error_variant_is_reported_with_its_place` covers it.
fn variant(e: &SolveError) -> usize {
    match e {
        SolveError::NaN { .. } => 0,
        SolveError::Unbounded { .. } => 1,
        SolveError::CapacityLength { .. } => 2,
        SolveError::Infeasible { .. } => 3,
        SolveError::Range { .. } => 4,
        SolveError::Cancelled => 5,
        SolveError::Memory(_) => 6,
    }
}

#[test]
fn every_error_variant_is_reported_with_its_place() {
    let (inf, nan) = (f64::INFINITY, f64::NAN);
    let min = SolveOptions::default;
    let with_caps = |caps: Vec<usize>| SolveOptions { capacities: Some(caps), ..SolveOptions::default() };
    // (matrix, options, the error, words its message must contain)
    let cases: Vec<(Array2<f64>, SolveOptions, SolveError, &[&str])> = vec![
        (
            array![[1.0, 2.0, 3.0], [4.0, 5.0, nan]],
            min(),
            SolveError::NaN { row: 1, col: 2 },
            &["NaN", "row 1, column 2"],
        ),
        (
            array![[1.0, nan], [nan, 2.0]],
            SolveOptions::maximize(),
            SolveError::NaN { row: 0, col: 1 },
            &["NaN", "row 0, column 1"],
        ),
        (
            array![[1.0], [2.0], [-inf]],
            min(),
            SolveError::Unbounded { row: 2, col: 0, value: -inf },
            &["-inf", "row 2, column 0", "minimising"],
        ),
        (
            array![[1.0, inf]],
            SolveOptions::maximize(),
            SolveError::Unbounded { row: 0, col: 1, value: inf },
            &["inf", "row 0, column 1", "maximising"],
        ),
        (
            array![[1.0], [2.0]],
            with_caps(vec![1]),
            SolveError::CapacityLength { got: 1, rows: 2 },
            &["1 entries", "2 rows"],
        ),
        (
            array![[1.0, 2.0]],
            with_caps(vec![1, 1, 1]),
            SolveError::CapacityLength { got: 3, rows: 1 },
            &["3 entries", "1 rows"],
        ),
        (
            array![[1.7e308, 0.0], [0.0, 1.7e308]],
            min(),
            SolveError::Range { low: 0.0, high: 1.7e308 },
            &["span", "potentials", "rescale"],
        ),
    ];
    // Infeasible: the solver names one row or column it could not place; which one depends on
    // the search order, the side does not.
    let infeasible: Vec<(Array2<f64>, SolveOptions, &str)> = vec![
        // Two rows that only column 0 accepts.
        (array![[1.0, inf, inf], [2.0, inf, inf]], min(), "row"),
        (array![[1.0, -inf, -inf], [2.0, -inf, -inf]], SolveOptions::maximize(), "row"),
        // Tall: two columns that only row 0 accepts.
        (array![[1.0, 2.0], [inf, inf], [inf, inf]], min(), "column"),
        // Capacities 2 + 2 exceed the 3 columns, so every column must be placed; row 1 accepts none.
        (array![[1.0, 2.0, 3.0], [inf, inf, inf]], with_caps(vec![2, 2]), "column"),
    ];
    let mut covered = BTreeSet::new();
    for (cost, options, expected, words) in cases {
        let err = solve(cost.view(), &options).unwrap_err();
        assert_eq!(err, expected);
        let message = err.to_string();
        assert!(words.iter().all(|w| message.contains(w)), "{message:?} lacks one of {words:?}");
        covered.insert(variant(&err));
    }
    for (cost, options, side) in infeasible {
        let err = solve(cost.view(), &options).unwrap_err();
        let SolveError::Infeasible { side: got, index } = err else { panic!("{cost}: {err}") };
        assert_eq!(got, side, "{cost}");
        let limit = if side == "row" { cost.nrows() } else { cost.ncols() };
        assert!(index < limit && err.to_string().contains(&format!("{side} {index}")), "{err}");
        covered.insert(variant(&err));
        // The same matrix is always feasible once rows and columns may stay unmatched.
        let relaxed = SolveOptions { allow_unmatched: true, ..options };
        solve(cost.view(), &relaxed).unwrap().verify(cost.view(), &relaxed).unwrap();
    }
    // Cancelled: a solve under a cancelled token stops, for single and batched problems.
    let token = Token::new();
    token.cancel();
    let cost = Array2::from_shape_fn((30, 30), |(i, j)| (i * j) as f64);
    let err = token.scope(|| solve(cost.view(), &min())).unwrap_err();
    assert!(err == SolveError::Cancelled && err.to_string().contains("cancelled"), "{err}");
    covered.insert(variant(&err));
    let batch = token.scope(|| solve_batch(&[(cost.clone(), min()), (cost.clone(), min())]));
    assert!(batch.iter().all(|r| r.as_ref() == Err(&SolveError::Cancelled)));
    // An uncancelled token changes nothing.
    assert!(Token::new().scope(|| solve(cost.view(), &min())).is_ok());
    // A copy of the matrix (maximising reads it negated) that no address space holds: refused
    // before a single cost is read.
    let huge = array![[1.0]];
    for (shape, options) in
        [((1 << 31, 1 << 31), SolveOptions::maximize()), ((1 << 40, 1 << 22), SolveOptions::default())]
    {
        let err = solve(huge.broadcast(shape).unwrap(), &options).unwrap_err();
        let SolveError::Memory(e) = &err else { panic!("{err}") };
        assert_eq!(e.bytes, 1 << 65);
        let expected = format!("a float64 copy of a {}x{} cost matrix needs {} bytes", shape.0, shape.1, 1u128 << 65);
        assert!(err.to_string().contains(&expected), "{err}");
        covered.insert(variant(&err));
    }
    assert_eq!(covered, (0..7).collect());
}

#[test]
fn costs_too_wide_for_f64_are_solved_scaled() {
    // Finite costs whose differences overflow f64: reduced costs would read as forbidden pairs,
    // so they are solved scaled down by a power of two, which is exact.
    let max = f64::MAX;
    for cost in [
        array![[max, max], [-max, -max]],
        array![[max, 0.0, -max], [1.0, -max, max], [-2.0, 3.0, 1e-300]],
        array![[1e308, -1e308], [0.0, 1.0]],
    ] {
        for maximize in [false, true] {
            let (rows, cols) = linear_sum_assignment(cost.view(), maximize).unwrap();
            assert_eq!(rows.len(), cost.nrows());
            // Totals of every permutation, each cost divided by 4 so that sums of three stay finite.
            let total = |cols: &[usize]| -> f64 { cols.iter().enumerate().map(|(r, &c)| cost[[r, c]] / 4.0).sum() };
            let totals = permutations(cost.ncols()).map(|p| total(&p));
            let best = if maximize { totals.fold(f64::MIN, f64::max) } else { totals.fold(f64::MAX, f64::min) };
            assert_eq!(total(&cols), best, "{cost} maximize={maximize}");
        }
    }
    // The certificate needs the potentials to fit once scaled back: on one row they do.
    let row = array![[max, -max, 0.0]];
    let a = solve(row.view(), &SolveOptions::default()).unwrap();
    assert_eq!(a.pairs(), vec![(0, 1)]);
    a.verify(row.view(), &SolveOptions::default()).unwrap();
}

/// Every permutation of `0..n`.
fn permutations(n: usize) -> impl Iterator<Item = Vec<usize>> {
    let mut all: Vec<Vec<usize>> = vec![vec![]];
    for _ in 0..n {
        let mut longer = Vec::new();
        for p in &all {
            for c in (0..n).filter(|c| !p.contains(c)) {
                longer.push([p.as_slice(), &[c]].concat());
            }
        }
        all = longer;
    }
    all.into_iter()
}

#[test]
fn empty_matrices_give_empty_assignments() {
    let option_sets = [
        SolveOptions::default(),
        SolveOptions::maximize(),
        SolveOptions { allow_unmatched: true, ..SolveOptions::default() },
    ];
    for shape in [(0, 0), (0, 3), (3, 0)] {
        let cost = Array2::<f64>::zeros(shape);
        let with_caps = SolveOptions { capacities: Some(vec![2; shape.0]), ..SolveOptions::default() };
        for options in option_sets.iter().chain([&with_caps]) {
            let a = solve(cost.view(), options).unwrap();
            assert!(a.rows.is_empty() && a.cols.is_empty() && a.objective == 0.0, "{shape:?} {options:?}");
            assert_eq!((a.row_duals.len(), a.col_duals.len()), shape);
            a.verify(cost.view(), options).unwrap();
        }
        assert_eq!(linear_sum_assignment(cost.view(), false).unwrap(), (vec![], vec![]));
    }
}

#[test]
fn rows_of_capacity_zero_take_nothing() {
    let cost = array![[0.0, 0.0], [5.0, 1.0], [1.0, 5.0]];
    for (maximize, expected) in [(false, vec![(1, 1), (2, 0)]), (true, vec![(1, 0), (2, 1)])] {
        let options = SolveOptions { maximize, capacities: Some(vec![0, 1, 1]), allow_unmatched: false };
        let a = solve(cost.view(), &options).unwrap();
        assert_eq!(a.pairs(), expected);
        a.verify(cost.view(), &options).unwrap();
    }
    // All capacities zero: nothing to assign, which is complete.
    let options = SolveOptions { capacities: Some(vec![0, 0, 0]), ..SolveOptions::default() };
    let a = solve(cost.view(), &options).unwrap();
    assert!(a.pairs().is_empty());
    a.verify(cost.view(), &options).unwrap();
}

#[test]
fn capacities_beyond_the_columns_are_harmless() {
    let cost = array![[3.0, 1.0, 2.0], [0.0, 5.0, 5.0]];
    for allow_unmatched in [false, true] {
        let options =
            SolveOptions { capacities: Some(vec![usize::MAX, 1]), allow_unmatched, ..SolveOptions::default() };
        let a = solve(cost.view(), &options).unwrap();
        a.verify(cost.view(), &options).unwrap();
        assert_eq!(a.objective, if allow_unmatched { 0.0 } else { 3.0 });
    }
}

#[test]
fn batch_keeps_input_order_and_matches_single_solves() {
    let mut problems: Vec<(Array2<f64>, SolveOptions)> = (0..16)
        .map(|k| {
            let rows = 3 + k % 5;
            let m = Array2::from_shape_fn((rows, 6), |(i, j)| ((i * 7 + j * 13 + k * 5) % 11) as f64);
            let options = SolveOptions {
                maximize: k % 2 == 0,
                capacities: (k % 3 == 0).then(|| vec![2; rows]),
                allow_unmatched: k % 4 == 1,
            };
            (m, options)
        })
        .collect();
    // Failures stay in their place too.
    problems.insert(5, (array![[f64::NAN]], SolveOptions::default()));
    problems.insert(9, (array![[f64::INFINITY, f64::INFINITY]], SolveOptions::default()));
    let batch = solve_batch(&problems);
    assert_eq!(batch.len(), problems.len());
    for ((cost, options), got) in problems.iter().zip(batch) {
        assert_eq!(got, solve(cost.view(), options));
    }
    assert!(solve_batch(&[]).is_empty());
}

#[test]
fn certificate_rejects_tampering() {
    let base = array![[4.0, 1.0, 3.0], [2.0, 0.0, 5.0], [3.0, 2.0, 2.0]];
    // The same problem minimised, and negated then maximised: the signs must not matter.
    for (cost, options) in [(base.clone(), SolveOptions::default()), (-&base, SolveOptions::maximize())] {
        let good = solve(cost.view(), &options).unwrap();
        assert_eq!(good.pairs(), vec![(0, 1), (1, 0), (2, 2)]);
        good.verify(cost.view(), &options).unwrap();
        let rejects = |tamper: &dyn Fn(&mut Assignment), expected: fn(&CertificateError) -> bool| {
            let mut bad = good.clone();
            tamper(&mut bad);
            let err = bad.verify(cost.view(), &options).unwrap_err();
            assert!(expected(&err), "{err}");
        };
        let sum = |a: &Assignment| a.pairs().iter().map(|&(r, c)| cost[[r, c]]).sum::<f64>();
        // A wrong pairing, with its own objective: not tight under the duals.
        rejects(
            &|a| {
                a.cols.swap(0, 1);
                a.objective = sum(a);
            },
            |e| matches!(e, CertificateError::Slackness(_)),
        );
        // A column twice, a pair outside the matrix, a pair missing.
        rejects(&|a| a.cols[1] = a.cols[0], |e| matches!(e, CertificateError::Infeasible(_)));
        rejects(&|a| a.cols[2] = 3, |e| matches!(e, CertificateError::Malformed(_)));
        rejects(
            &|a| {
                a.rows.pop();
                a.cols.pop();
                a.objective = sum(a);
            },
            |e| matches!(e, CertificateError::Incomplete { got: 2, expected: 3 }),
        );
        // Wrong duals: a chosen pair no longer tight; tight pairs kept but another pair of the
        // row violated; a dual missing.
        rejects(&|a| a.col_duals[2] += 1.0, |e| matches!(e, CertificateError::Slackness(_)));
        rejects(
            &|a| {
                let shift = if options.maximize { -100.0 } else { 100.0 };
                a.row_duals[0] += shift;
                a.col_duals[1] -= shift;
            },
            |e| matches!(e, CertificateError::DualInfeasible { row: 0, .. }),
        );
        rejects(
            &|a| {
                a.row_duals.pop();
            },
            |e| matches!(e, CertificateError::Malformed(_)),
        );
        // A wrong objective.
        rejects(&|a| a.objective += 1.0, |e| matches!(e, CertificateError::Gap { .. }));
        // The right answer to another matrix.
        let mut other = cost.clone();
        other[[2, 2]] += if options.maximize { -10.0 } else { 10.0 };
        assert!(good.verify(other.view(), &options).is_err());
    }
}

#[test]
fn certificate_rejects_a_forbidden_pair_and_an_overfull_row() {
    let inf = f64::INFINITY;
    let cost = array![[1.0, inf], [inf, 2.0]];
    let options = SolveOptions::default();
    let good = solve(cost.view(), &options).unwrap();
    let mut forbidden = good.clone();
    forbidden.cols = vec![1, 0];
    assert!(matches!(forbidden.verify(cost.view(), &options), Err(CertificateError::Infeasible(_))));
    let wide = array![[1.0, 2.0], [3.0, 4.0]];
    let mut overfull = solve(wide.view(), &options).unwrap();
    overfull.rows = vec![0, 0];
    overfull.cols = vec![0, 1];
    assert!(matches!(overfull.verify(wide.view(), &options), Err(CertificateError::Infeasible(_))));
}

#[test]
fn a_huge_cost_elsewhere_does_not_hide_a_violated_certificate() {
    // issue 11: rows 0 and 1 swapped cost 2 where 0 is optimal, and row duals [1, 1, 0] claim
    // otherwise; a tolerance scaled by the largest cost (1e12) let it pass.
    let cost = array![[0.0, 1.0, 1e12], [1.0, 0.0, 1e12], [1e12, 1e12, 0.0]];
    let tampered = Assignment {
        rows: vec![0, 1, 2],
        cols: vec![1, 0, 2],
        objective: 2.0,
        row_duals: vec![1.0, 1.0, 0.0],
        col_duals: vec![0.0; 3],
    };
    let err = tampered.verify(cost.view(), &SolveOptions::default()).unwrap_err();
    assert_eq!(err, CertificateError::DualInfeasible { row: 0, col: 0, excess: 1.0 });
    solve(cost.view(), &SolveOptions::default()).unwrap().verify(cost.view(), &SolveOptions::default()).unwrap();
}
