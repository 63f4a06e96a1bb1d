//! Writes the generated field-sales team (`plan::fieldsales`) as the JSON input of
//! `outfield plan schedule` / `plan territories`, to standard output.
//!
//! `cargo run --release -p plan --example gen_field_sales -- --seed 1 [--reps 20]
//! [--customers 2000]`

use plan::fieldsales::{Params, generate};

fn main() {
    let mut p = Params::default();
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut i = 0;
    while i < args.len() {
        let value = args.get(i + 1).and_then(|v| v.parse::<u64>().ok());
        match (args[i].as_str(), value) {
            ("--seed", Some(v)) => p.seed = v,
            ("--reps", Some(v)) => p.reps = v as usize,
            ("--customers", Some(v)) => p.customers = v as usize,
            _ => {
                eprintln!("usage: gen_field_sales [--seed N] [--reps N] [--customers N]");
                std::process::exit(2);
            }
        }
        i += 2;
    }
    let fs = generate(&p);
    let pr = &fs.problem;
    let pts = &fs.travel.points;
    let day_names = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
    let hm = |m: f64| format!("{:02}:{:02}", (m as i64) / 60, (m as i64) % 60);
    let mut out = String::new();
    out.push_str(&format!(
        "{{\"start\":\"{}\",\"days\":{},\"holidays\":[{}],\n\"travel\":{{\"mode\":\"drive\",\"detour\":{},\"speed_kmh\":{}}},\n\"reps\":[\n",
        pr.start,
        pr.days,
        pr.holidays.iter().map(|h| format!("\"{h}\"")).collect::<Vec<_>>().join(","),
        fs.travel.detour,
        fs.travel.speed_kmh
    ));
    let reps: Vec<String> = pr
        .reps
        .iter()
        .map(|r| {
            let days: Vec<String> = (0..7)
                .filter(|&d| r.working_days[d])
                .map(|d| format!("\"{}\"", day_names[d]))
                .collect();
            let (lat, lon) = pts[r.home];
            format!(
                "{{\"id\":\"{}\",\"lat\":{lat:.6},\"lon\":{lon:.6},\"working_days\":[{}],\"shift\":\"{}-{}\"}}",
                r.id,
                days.join(","),
                hm(r.shift.0),
                hm(r.shift.1)
            )
        })
        .collect();
    out.push_str(&reps.join(",\n"));
    out.push_str("],\n\"customers\":[\n");
    let customers: Vec<String> = pr
        .customers
        .iter()
        .zip(&fs.levels)
        .map(|(c, level)| {
            let (lat, lon) = pts[c.location];
            let last = c.last_visit.map(|d| format!(",\"last_visit\":\"{d}\"")).unwrap_or_default();
            format!(
                "{{\"id\":\"{}\",\"lat\":{lat:.6},\"lon\":{lon:.6},\"level\":\"{level}\",\"service_min\":{}{last}}}",
                c.id, c.service_min
            )
        })
        .collect();
    out.push_str(&customers.join(",\n"));
    out.push_str("]}\n");
    print!("{out}");
}
