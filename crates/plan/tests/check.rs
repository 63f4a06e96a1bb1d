//! The checker accepts a valid plan with its exact distance and names each violation.

mod common;

use common::node;
use plan::{Instance, check};

/// Depot at the origin; clients on the x axis at 1, 2, 3 (travel time = distance).
fn line() -> Instance {
    Instance::euclidean(
        "line",
        vec![
            node(0.0, 0.0, 0.0, 0.0, 20.0, 0.0),
            node(1.0, 0.0, 4.0, 0.0, 5.0, 1.0),
            node(2.0, 0.0, 4.0, 3.0, 4.0, 1.0),
            node(3.0, 0.0, 4.0, 0.0, 10.0, 1.0),
        ],
        2,
        10.0,
    )
}

#[test]
fn valid_plan_returns_its_distance() {
    let inst = line();
    // 0 -> 1 (t=1, leave 2) -> 2 (t=3, leave 4) -> 0 (t=6); 0 -> 3 -> 0.
    assert_eq!(check(&inst, &[vec![1, 2], vec![3]]), Ok(4.0 + 6.0));
    // Empty routes are ignored.
    assert_eq!(check(&inst, &[vec![1, 2], vec![], vec![3]]), Ok(10.0));
}

#[test]
fn each_violation_is_reported() {
    let inst = line();
    let err = |routes: &[Vec<usize>]| check(&inst, routes).unwrap_err();
    assert!(err(&[vec![1, 2]]).contains("client 3 is not visited"));
    assert!(err(&[vec![1, 2], vec![3, 1]]).contains("visited twice"));
    assert!(err(&[vec![1, 2, 3]]).contains("exceeds capacity"));
    // 0 -> 3 (t=3, leave 4) -> 2 (t=5 > due 4).
    assert!(err(&[vec![3, 2], vec![1]]).contains("client 2 served at 5"));
    assert!(err(&[vec![1], vec![2], vec![3]]).contains("3 routes but only 2 vehicles"));
    assert!(err(&[vec![1, 2], vec![4]]).contains("4 is not a client"));
    assert!(err(&[vec![1, 2], vec![0, 3]]).contains("0 is not a client"));

    let mut late = line();
    late.nodes[0].due = 5.0;
    assert!(
        check(&late, &[vec![1, 2], vec![3]])
            .unwrap_err()
            .contains("back at the depot at 6")
    );
}
