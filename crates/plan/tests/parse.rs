//! Both readers on the real C101 file, VRPLIB on the same data re-expressed, and errors
//! that name the line.

mod common;

use plan::{parse_solomon, parse_vrplib};

#[test]
fn solomon_c101_is_read_exactly() {
    let inst = common::solomon("C101");
    assert_eq!(inst.name, "C101");
    assert_eq!(inst.clients(), 100);
    assert_eq!(inst.vehicles, 25);
    assert_eq!(inst.capacity, 200.0);
    let depot = &inst.nodes[0];
    assert_eq!(
        (depot.coords, depot.ready, depot.due),
        (Some((40.0, 50.0)), 0.0, 1236.0)
    );
    let c1 = &inst.nodes[1];
    assert_eq!(
        (c1.coords, c1.demand, c1.ready, c1.due, c1.service),
        (Some((45.0, 68.0)), 10.0, 912.0, 967.0, 90.0)
    );
    // Unrounded Euclidean distance, travel time equal to it.
    let expect = (5.0f64 * 5.0 + 18.0 * 18.0).sqrt();
    assert!((inst.dist(0, 1) - expect).abs() < 1e-12);
    assert_eq!(inst.time(0, 1), inst.dist(0, 1));
}

/// The same instance written as VRPLIB (node ids shifted by one) reads back identically.
#[test]
fn vrplib_reads_the_solomon_data_back() {
    let inst = common::solomon("C101");
    let n = inst.nodes.len();
    let mut t = format!(
        "NAME : C101\nTYPE : VRPTW\nDIMENSION : {n}\nVEHICLES : {}\nCAPACITY : {}\n\
         EDGE_WEIGHT_TYPE : EUC_2D\nNODE_COORD_SECTION\n",
        inst.vehicles, inst.capacity
    );
    for (i, nd) in inst.nodes.iter().enumerate() {
        let (x, y) = nd.coords.unwrap();
        t += &format!("{} {x} {y}\n", i + 1);
    }
    t += "DEMAND_SECTION\n";
    for (i, nd) in inst.nodes.iter().enumerate() {
        t += &format!("{} {}\n", i + 1, nd.demand);
    }
    t += "DEPOT_SECTION\n1\n-1\nSERVICE_TIME_SECTION\n";
    for (i, nd) in inst.nodes.iter().enumerate() {
        t += &format!("{} {}\n", i + 1, nd.service);
    }
    t += "TIME_WINDOW_SECTION\n";
    for (i, nd) in inst.nodes.iter().enumerate() {
        t += &format!("{} {} {}\n", i + 1, nd.ready, nd.due);
    }
    t += "EOF\n";
    let back = parse_vrplib(&t).expect("parses");
    assert_eq!(back.nodes, inst.nodes);
    assert_eq!(
        (back.vehicles, back.capacity),
        (inst.vehicles, inst.capacity)
    );
    assert_eq!(back.dist(3, 7), inst.dist(3, 7));
}

#[test]
fn vrplib_explicit_matrix_without_windows() {
    let t = "NAME : tiny\nDIMENSION : 3\nCAPACITY : 10\nEDGE_WEIGHT_TYPE : EXPLICIT\n\
             EDGE_WEIGHT_FORMAT : FULL_MATRIX\nEDGE_WEIGHT_SECTION\n0 4 5\n4 0 2\n5 3 0\n\
             DEMAND_SECTION\n1 0\n2 3\n3 4\nDEPOT_SECTION\n1\n-1\nEOF\n";
    let inst = parse_vrplib(t).unwrap();
    assert_eq!(inst.clients(), 2);
    assert_eq!((inst.dist(1, 2), inst.dist(2, 1)), (2.0, 3.0));
    assert_eq!(inst.nodes[2].demand, 4.0);
    assert!(inst.nodes[1].due.is_infinite());
    let sol = plan::solve(
        &inst,
        &plan::SolveOptions {
            max_iterations: Some(50),
            ..Default::default()
        },
    );
    assert!(sol.feasible);
    assert_eq!(sol.distance, 4.0 + 2.0 + 5.0);
}

#[test]
fn errors_name_the_line() {
    let bad =
        "X\n\nVEHICLE\nNUMBER CAPACITY\n 2 10\n\nCUSTOMER\nhead\n0 0 0 0 0 100 0\n1 1 0 5 0\n";
    let e = parse_solomon(bad).unwrap_err();
    assert_eq!(e.line, 10);
    assert!(e.to_string().contains("7 columns"), "{e}");

    let wrong_order = "X\nVEHICLE\n2 10\nCUSTOMER\n0 0 0 0 0 100 0\n2 1 0 5 0 100 1\n";
    assert_eq!(parse_solomon(wrong_order).unwrap_err().line, 6);

    let no_fleet = "X\nCUSTOMER\n0 0 0 0 0 100 0\n1 1 0 5 0 100 1\n";
    assert!(parse_solomon(no_fleet).is_err());

    let window = "NAME : w\nDIMENSION : 2\nCAPACITY : 5\nNODE_COORD_SECTION\n1 0 0\n2 1 1\n\
                  TIME_WINDOW_SECTION\n1 0 10\n2 9 3\nEOF\n";
    let e = parse_vrplib(window).unwrap_err();
    assert_eq!(e.line, 9);

    let outside = "NAME : w\nDIMENSION : 2\nCAPACITY : 5\nNODE_COORD_SECTION\n1 0 0\n3 1 1\n";
    assert_eq!(parse_vrplib(outside).unwrap_err().line, 6);
}
