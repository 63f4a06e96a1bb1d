//! `cheatsim bench --seeds 101..121`: the anti-cheat benchmark table.

use anyhow::{Context, bail};
use cheatsim::bench::{self, Case, Label};
use cheatsim::hard::HardCase;
use cheatsim::tricks::Trick;
use clap::{Parser, Subcommand};
use integrity::{Lang, Level};

#[derive(Parser)]
#[command(about = "Adversarial benchmark for Outfield's anti-cheat checks")]
struct Cli {
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Simulate, judge and print the table.
    Bench {
        /// Seeds as `a..b` (b excluded) or a comma list.
        #[arg(long, default_value = "101..121")]
        seeds: String,
        /// Threads for the tenant-month timing.
        #[arg(long, default_value_t = 2)]
        threads: usize,
        /// List every misjudged day with its reasons.
        #[arg(long)]
        verbose: bool,
    },
}

fn parse_seeds(s: &str) -> anyhow::Result<Vec<u64>> {
    if let Some((a, b)) = s.split_once("..") {
        let (a, b): (u64, u64) = (
            a.parse().context("seed range start")?,
            b.parse().context("seed range end")?,
        );
        if b <= a {
            bail!("empty seed range {s}");
        }
        return Ok((a..b).collect());
    }
    s.split(',')
        .map(|x| x.trim().parse().context("seed"))
        .collect()
}

fn pct(x: f64) -> String {
    if x.is_nan() {
        "–".into()
    } else {
        format!("{:.1} %", 100.0 * x)
    }
}

fn main() -> anyhow::Result<()> {
    let Cli {
        cmd: Cmd::Bench {
            seeds,
            threads,
            verbose,
        },
    } = Cli::parse();
    let seeds = parse_seeds(&seeds)?;
    let t = std::time::Instant::now();
    let mut cases: Vec<Case> = Vec::new();
    for &s in &seeds {
        cases.extend(bench::run_seed(s));
    }
    let sim_s = t.elapsed().as_secs_f64();
    println!(
        "seeds {} ({} seeds; thresholds were tuned on seeds 1-10 only), {} judged rep-days, simulated in {:.1} s",
        describe(&seeds),
        seeds.len(),
        cases.len(),
        sim_s
    );
    println!();
    println!("| trick | days | review or worse | likely_cheat |");
    println!("|---|---:|---:|---:|");
    for trick in Trick::ALL {
        let c: Vec<&Case> = cases
            .iter()
            .filter(|c| c.label == Label::Cheat(trick))
            .collect();
        println!(
            "| {} | {} | {} | {} |",
            trick.as_str(),
            c.len(),
            pct(bench::flagged(&c)),
            pct(bench::likely(&c))
        );
    }
    let cheats: Vec<&Case> = cases
        .iter()
        .filter(|c| matches!(c.label, Label::Cheat(_)))
        .collect();
    println!(
        "| **all tricks** | {} | {} | {} |",
        cheats.len(),
        pct(bench::flagged(&cheats)),
        pct(bench::likely(&cheats))
    );
    println!();
    println!("| honest hard case | days | not clean |");
    println!("|---|---:|---:|");
    let mut hard: Vec<HardCase> = HardCase::DRAWN.to_vec();
    hard.push(HardCase::Routine);
    hard.push(HardCase::Lender);
    for h in hard {
        let c: Vec<&Case> = cases
            .iter()
            .filter(|c| c.label == Label::Honest(h))
            .collect();
        println!(
            "| {} | {} | {} |",
            h.as_str(),
            c.len(),
            pct(bench::flagged(&c))
        );
    }
    let honest: Vec<&Case> = cases
        .iter()
        .filter(|c| matches!(c.label, Label::Honest(_)))
        .collect();
    println!(
        "| **all honest** | {} | {} |",
        honest.len(),
        pct(bench::flagged(&honest))
    );

    let mut us: Vec<f64> = cases.iter().map(|c| c.micros).collect();
    us.sort_by(f64::total_cmp);
    let median = us[us.len() / 2];
    let p99 = us[(us.len() * 99 / 100).min(us.len() - 1)];
    let fixes: usize = cases.iter().map(|c| c.input.fixes.len()).sum();
    println!();
    println!(
        "verdict time per rep-day: median {:.2} ms, p99 {:.2} ms (mean {} fixes, {} history signatures per day)",
        median / 1000.0,
        p99 / 1000.0,
        fixes / cases.len(),
        cases.iter().map(|c| c.history.days.len()).sum::<usize>() / cases.len()
    );
    let n = 500 * 22;
    let secs = bench::month(&cases, n, threads);
    println!("tenant month (500 reps x 22 days = {n} verdicts, {threads} threads): {secs:.1} s");

    if verbose {
        println!();
        for c in &cases {
            let wrong = match c.label {
                Label::Honest(_) => c.verdict.level != Level::Clean,
                Label::Cheat(_) => c.verdict.level == Level::Clean,
            };
            if wrong {
                let reasons: Vec<String> = c
                    .verdict
                    .reasons
                    .iter()
                    .map(|r| {
                        format!(
                            "{} {:.2} {:?}",
                            r.code.as_str(),
                            r.weight,
                            r.evidence.figures
                        )
                    })
                    .collect();
                println!(
                    "{:?} seed {} rep {} day {}: {} score {:.2} (signature stops {}) {}",
                    c.label,
                    c.seed,
                    c.rep,
                    c.day,
                    c.verdict.level.as_str(),
                    c.verdict.score,
                    c.verdict.signature.cells.len().saturating_sub(1) / 2,
                    reasons.join("; ")
                );
            }
        }
        for code in integrity::ReasonCode::ALL {
            let _ = code.explain(Lang::En);
        }
    }
    Ok(())
}

fn describe(seeds: &[u64]) -> String {
    match (seeds.first(), seeds.last()) {
        (Some(a), Some(b)) if seeds.len() as u64 == b - a + 1 => format!("{a}-{b}"),
        _ => seeds
            .iter()
            .map(u64::to_string)
            .collect::<Vec<_>>()
            .join(","),
    }
}
