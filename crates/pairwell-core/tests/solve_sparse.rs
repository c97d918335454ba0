//! The sparse solver against the dense one (itself checked against exhaustive search and
//! `kuhn_munkres`) on random problems with ties, forbidden pairs, capacities up to 10⁶ and
//! both modes; every answer is checked by the sparse certificate and by the dense one.
//! Resuming after added arcs equals a fresh solve.

use ndarray::Array2;
use pairwell_core::solve::sparse::{solve_sparse, verify_sparse, Csr, SparseError, SparseSolver};
use pairwell_core::solve::{solve, SolveError, SolveOptions};
use proptest::prelude::*;

/// A random problem: the dense matrix (absent arcs forbidden) and its arcs in a scrambled CSR
/// (rows' columns out of order, some arcs listed twice with a worse copy).
#[derive(Clone, Debug)]
struct Case {
    dense: Array2<f64>,
    indptr: Vec<usize>,
    indices: Vec<usize>,
    costs: Vec<f64>,
    options: SolveOptions,
}

impl Case {
    fn csr(&self) -> Csr<'_> {
        Csr { n_cols: self.dense.ncols(), indptr: &self.indptr, indices: &self.indices, costs: &self.costs }
    }
}

fn case(max_n: usize, big_caps: bool) -> impl Strategy<Value = Case> {
    (1..=max_n, 1..=max_n, 0u32..4, any::<bool>(), 0u8..3, any::<bool>(), 1u32..10)
        .prop_flat_map(move |(n, m, levels_pow, maximize, caps_kind, unmatched, density)| {
            let levels = [3i32, 6, 20, 1000][levels_pow as usize];
            let cells = proptest::collection::vec((-levels..levels, 0u32..10, 0u32..4), n * m);
            let caps = proptest::collection::vec(prop_oneof![4 => 0usize..=3, 1 => Just(1_000_000)], n);
            (cells, caps, Just((n, m, maximize, caps_kind, unmatched, density)))
        })
        .prop_map(move |(cells, caps, (n, m, maximize, caps_kind, unmatched, density))| {
            let forbidden = if maximize { f64::NEG_INFINITY } else { f64::INFINITY };
            let mut dense = Array2::from_elem((n, m), forbidden);
            let (mut indptr, mut indices, mut costs) = (vec![0], Vec::new(), Vec::new());
            for i in 0..n {
                let mut row: Vec<(usize, f64)> = Vec::new();
                for j in 0..m {
                    let (value, keep, extra) = cells[i * m + j];
                    if keep < density {
                        dense[[i, j]] = f64::from(value);
                        row.push((j, f64::from(value)));
                        if extra == 0 {
                            // A duplicate with a worse cost: the better copy must win.
                            let worse = if maximize { -1.0 } else { 1.0 };
                            row.push((j, f64::from(value) + worse));
                        }
                    }
                }
                row.reverse();
                indices.extend(row.iter().map(|e| e.0));
                costs.extend(row.iter().map(|e| e.1));
                indptr.push(indices.len());
            }
            let capacities = match caps_kind {
                0 => None,
                1 => Some(caps.iter().map(|&c| c.min(3)).collect()),
                _ if big_caps => Some(caps),
                _ => Some(caps.iter().map(|&c| c.min(3)).collect()),
            };
            Case {
                dense,
                indptr,
                indices,
                costs,
                options: SolveOptions { maximize, capacities, allow_unmatched: unmatched },
            }
        })
}

fn certify(a: &pairwell_core::solve::Assignment, case: &Case) -> Result<(), TestCaseError> {
    verify_sparse(a, &case.csr(), &case.options).map_err(|e| TestCaseError::fail(format!("sparse: {e}; {a:?}")))?;
    a.verify(case.dense.view(), &case.options).map_err(|e| TestCaseError::fail(format!("dense: {e}; {a:?}")))
}

/// Same optimum as the dense solver (equal objectives; with fractional costs, up to the
/// rounding of sums taken in another order) and a valid certificate, or both infeasible.
fn agrees_with_dense(case: &Case) -> Result<(), TestCaseError> {
    let dense = solve(case.dense.view(), &case.options);
    let sparse = solve_sparse(&case.csr(), &case.options);
    match (dense, sparse) {
        (Ok(d), Ok(s)) => {
            let scale = case.costs.iter().fold(1.0, |m: f64, c| m.max(c.abs())) * case.dense.nrows() as f64;
            let exact = case.costs.iter().all(|c| c.fract() == 0.0);
            let tolerance = if exact { 0.0 } else { 1e-12 * scale };
            prop_assert!((d.objective - s.objective).abs() <= tolerance, "dense {:?} sparse {:?}", d, s);
            certify(&s, case)?;
        }
        (Err(SolveError::Infeasible { .. }), Err(SparseError::Solve(SolveError::Infeasible { .. }))) => {}
        (d, s) => prop_assert!(false, "dense {:?} sparse {:?}", d, s),
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]
    #[test]
    fn small_problems_match_dense(case in case(6, true)) {
        agrees_with_dense(&case)?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]
    #[test]
    fn larger_problems_match_dense(case in case(40, true)) {
        agrees_with_dense(&case)?;
    }
}

/// A square problem that needs a full assignment with unit capacities (the auction's start):
/// costs drawn from `levels` values scaled by `unit` (ties, integers, fractions), each pair
/// allowed with probability `density / 10`, plus a random permutation when `feasible`.
fn square(max_n: usize) -> impl Strategy<Value = Case> {
    (2..=max_n, 0u32..4, any::<bool>(), 1u32..=10, any::<bool>(), proptest::sample::select(vec![1.0, 0.1, 1e-3, 7e5]))
        .prop_flat_map(|(n, levels_pow, maximize, density, feasible, unit)| {
            let levels = [2i32, 5, 100, 1_000_000][levels_pow as usize];
            let cells = proptest::collection::vec((-levels..levels, 0u32..10), n * n);
            (cells, Just(n).prop_shuffle_permutation(), Just((maximize, density, feasible, unit)))
        })
        .prop_map(|(cells, perm, (maximize, density, feasible, unit))| {
            let n = perm.len();
            let forbidden = if maximize { f64::NEG_INFINITY } else { f64::INFINITY };
            let mut dense = Array2::from_elem((n, n), forbidden);
            let (mut indptr, mut indices, mut costs) = (vec![0], Vec::new(), Vec::new());
            for i in 0..n {
                for j in 0..n {
                    let (value, keep) = cells[i * n + j];
                    if keep < density || (feasible && perm[i] == j) {
                        let cost = f64::from(value) * unit;
                        dense[[i, j]] = cost;
                        indices.push(j);
                        costs.push(cost);
                    }
                }
                indptr.push(indices.len());
            }
            let options = SolveOptions { maximize, capacities: None, allow_unmatched: false };
            Case { dense, indptr, indices, costs, options }
        })
}

/// `0..n` in a random order.
trait Permutation {
    fn prop_shuffle_permutation(self) -> BoxedStrategy<Vec<usize>>;
}

impl Permutation for Just<usize> {
    fn prop_shuffle_permutation(self) -> BoxedStrategy<Vec<usize>> {
        Just((0..self.0).collect::<Vec<usize>>()).prop_shuffle().boxed()
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1500))]
    #[test]
    fn full_square_problems_match_dense(case in square(40)) {
        agrees_with_dense(&case)?;
    }
}

/// Solving part of the arcs, then adding the rest in two batches and resuming, gives the
/// optimum of the whole problem with a valid certificate.
fn resume_equals_fresh(case: &Case, split: usize) -> Result<(), TestCaseError> {
    let mut arcs: Vec<(usize, usize, f64)> = Vec::new();
    for i in 0..case.dense.nrows() {
        for k in case.indptr[i]..case.indptr[i + 1] {
            arcs.push((i, case.indices[k], case.costs[k]));
        }
    }
    let first = split.min(arcs.len());
    let (head, tail) = arcs.split_at(first);
    let (mut indptr, mut indices, mut costs) = (vec![0; case.dense.nrows() + 1], Vec::new(), Vec::new());
    for &(i, j, c) in head {
        indptr[i + 1] += 1;
        indices.push(j);
        costs.push(c);
    }
    for i in 0..case.dense.nrows() {
        indptr[i + 1] += indptr[i];
    }
    let csr = Csr { n_cols: case.dense.ncols(), indptr: &indptr, indices: &indices, costs: &costs };
    let mut solver = SparseSolver::new(&csr, &case.options).unwrap();
    let _ = solver.solve();
    let (mid, rest) = tail.split_at(tail.len() / 2);
    for batch in [mid, rest] {
        let rows: Vec<usize> = batch.iter().map(|a| a.0).collect();
        let cols: Vec<usize> = batch.iter().map(|a| a.1).collect();
        let w: Vec<f64> = batch.iter().map(|a| a.2).collect();
        solver.add_arcs(&rows, &cols, &w).unwrap();
        let _ = solver.solve();
    }
    let resumed = solver.solve();
    let fresh = solve_sparse(&case.csr(), &case.options);
    match (fresh, resumed) {
        (Ok(f), Ok(r)) => {
            prop_assert_eq!(f.objective, r.objective, "fresh {:?} resumed {:?}", f, r);
            certify(&r, case)?;
        }
        // Both infeasible; which row the search names depends on the order rows were placed in.
        (
            Err(SparseError::Solve(SolveError::Infeasible { side: f, .. })),
            Err(SparseError::Solve(SolveError::Infeasible { side: r, .. })),
        ) => prop_assert_eq!(f, r),
        (f, r) => prop_assert!(false, "fresh {:?} resumed {:?}", f, r),
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]
    #[test]
    fn resume_matches_fresh_solve(case in case(8, true), split in 0usize..60) {
        resume_equals_fresh(&case, split)?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]
    #[test]
    fn resume_matches_fresh_solve_larger(case in case(30, true), split in 0usize..600) {
        resume_equals_fresh(&case, split)?;
    }
}

/// Same input, same output, including the potentials.
#[test]
fn deterministic() {
    let n = 300;
    let (mut indptr, mut indices, mut costs) = (vec![0], Vec::new(), Vec::new());
    let mut state = 7u64;
    for _ in 0..n {
        for _ in 0..5 {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            indices.push((state >> 33) as usize % n);
            costs.push(((state >> 20) % 7) as f64);
        }
        indptr.push(indices.len());
    }
    let csr = Csr { n_cols: n, indptr: &indptr, indices: &indices, costs: &costs };
    let options = SolveOptions { allow_unmatched: true, ..SolveOptions::maximize() };
    let first = solve_sparse(&csr, &options).unwrap();
    verify_sparse(&first, &csr, &options).unwrap();
    assert_eq!(first, solve_sparse(&csr, &options).unwrap());
}

/// A row of capacity 10⁶ is one node: this solves at once, with every column taken.
#[test]
fn huge_capacity_is_one_node() {
    let n = 2000;
    let indptr = vec![0, n, 2 * n];
    let indices: Vec<usize> = (0..n).chain(0..n).collect();
    let costs: Vec<f64> = (0..2 * n).map(|k| ((k * 7919) % 1000) as f64).collect();
    let csr = Csr { n_cols: n, indptr: &indptr, indices: &indices, costs: &costs };
    let options = SolveOptions { capacities: Some(vec![1_000_000, 1_000_000]), ..SolveOptions::default() };
    let a = solve_sparse(&csr, &options).unwrap();
    assert_eq!(a.rows.len(), n);
    verify_sparse(&a, &csr, &options).unwrap();
}

#[test]
fn bad_input_is_a_clear_error() {
    let opts = SolveOptions::default();
    let solve = |indptr: &[usize], indices: &[usize], costs: &[f64]| {
        solve_sparse(&Csr { n_cols: 2, indptr, indices, costs }, &opts).unwrap_err().to_string()
    };
    assert!(solve(&[], &[], &[]).contains("indptr has 0 entries"));
    assert!(solve(&[0, 2, 1], &[0, 1], &[1.0, 2.0]).contains("indptr"));
    assert!(solve(&[1, 2], &[0, 1], &[1.0, 2.0]).contains("indptr"));
    assert_eq!(solve(&[0, 1], &[0], &[1.0, 2.0]), "1 column indices but 2 costs");
    assert_eq!(solve(&[0, 1, 2], &[0, 5], &[1.0, 2.0]), "arc at row 1 has column 5, but there are 2 columns");
    assert!(solve(&[0, 1, 2], &[0, 1], &[1.0, f64::NAN]).contains("NaN at row 1, column 1"));
    assert!(solve(&[0, 1, 2], &[0, 1], &[f64::NEG_INFINITY, 1.0]).contains("forbidden pairs are +inf"));
    assert_eq!(
        solve(&[0, 1, 2], &[0, 0], &[1.0, 2.0]),
        "cost matrix is infeasible: no complete assignment exists (row 1 cannot be assigned without leaving \
         another unassigned, given the forbidden pairs)"
    );
    let csr = Csr { n_cols: 2, indptr: &[0, 1], indices: &[0], costs: &[1.0] };
    let wrong_caps = SolveOptions { capacities: Some(vec![1, 2]), ..SolveOptions::default() };
    assert!(matches!(
        solve_sparse(&csr, &wrong_caps),
        Err(SparseError::Solve(SolveError::CapacityLength { got: 2, rows: 1 }))
    ));
    let mut solver = SparseSolver::new(&csr, &opts).unwrap();
    assert_eq!(
        solver.add_arcs(&[3], &[0], &[1.0]).unwrap_err().to_string(),
        "arc at column 0 has row 3, but there are 1 rows"
    );
    assert!(solver.add_arcs(&[0], &[0, 1], &[1.0]).is_err());
    assert_eq!(solver.solve().unwrap().objective, 1.0);
}

/// `solve` hands matrices that are mostly forbidden to the sparse kernel: the pairs and the
/// objective are those of the dense kernel (given the same matrix with a finite big-M in place
/// of each forbidden pair, which keeps it dense).
#[test]
fn mostly_forbidden_matrices_solve_as_dense() {
    let mut state = 11u64;
    let mut next = move || {
        state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (state >> 11) as f64 / (1u64 << 53) as f64
    };
    for (n, m, options) in [
        (120, 120, SolveOptions::default()),
        (90, 140, SolveOptions { allow_unmatched: true, ..SolveOptions::maximize() }),
        (
            140,
            90,
            SolveOptions {
                capacities: Some((0..140).map(|i| i % 3).collect()),
                allow_unmatched: true,
                ..SolveOptions::maximize()
            },
        ),
    ] {
        let (forbidden, big) = if options.maximize { (f64::NEG_INFINITY, -1e9) } else { (f64::INFINITY, 1e9) };
        let mut cost = Array2::from_elem((n, m), forbidden);
        for i in 0..n {
            cost[[i, (i * 7) % m]] = next() * 100.0; // a complete assignment exists
            for j in 0..m {
                if next() < 0.03 {
                    cost[[i, j]] = next() * 100.0;
                }
            }
        }
        let mut with_big_m = cost.clone();
        with_big_m.mapv_inplace(|c| if c.is_finite() { c } else { big });
        let sparse = solve(cost.view(), &options).unwrap();
        let dense = solve(with_big_m.view(), &options).unwrap();
        assert_eq!((&sparse.rows, &sparse.cols), (&dense.rows, &dense.cols));
        assert!((sparse.objective - dense.objective).abs() <= 1e-9 * dense.objective.abs());
        sparse.verify(cost.view(), &options).unwrap();
    }
}

/// A cancelled solve stops with `Cancelled` and leaves a solver that resumes to the optimum.
#[test]
fn cancelled_solve_resumes() {
    let n = 50;
    let indptr: Vec<usize> = (0..=n).map(|i| 3 * i).collect();
    let indices: Vec<usize> = (0..n).flat_map(|i| [i, (i + 1) % n, (i * 7 + 3) % n]).collect();
    let costs: Vec<f64> = (0..3 * n).map(|k| ((k * 37) % 11) as f64).collect();
    let csr = Csr { n_cols: n, indptr: &indptr, indices: &indices, costs: &costs };
    let options = SolveOptions { capacities: Some(vec![2; n]), allow_unmatched: true, ..SolveOptions::maximize() };
    let token = pairwell_core::cancel::Token::new();
    token.cancel();
    let mut solver = SparseSolver::new(&csr, &options).unwrap();
    assert_eq!(token.scope(|| solver.solve()), Err(SparseError::Solve(SolveError::Cancelled)));
    let resumed = solver.solve().unwrap();
    verify_sparse(&resumed, &csr, &options).unwrap();
    assert_eq!(resumed.objective, solve_sparse(&csr, &options).unwrap().objective);
}
