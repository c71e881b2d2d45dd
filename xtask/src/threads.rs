//! `cargo xtask bench-threads`: how late a thread starts when its parent
//! keeps working, started as the standard library starts it and as a
//! generation starts its threads (`generator::spawn_beside`), after the
//! process has been idle long enough for the other CPUs to halt
//! (BENCHMARKS.md, "Threads that start late").

use std::time::{Duration, Instant};

/// How long the parent works after starting the thread, and how long the
/// process rests before each start.
const WORK: Duration = Duration::from_micros(1500);
const REST: Duration = Duration::from_millis(2);

pub(crate) fn run(args: &[String]) -> Result<(), String> {
    if let Some(result) = crate::in_release("bench-threads", args) {
        return result;
    }
    let rounds: usize = match args {
        [] => 100,
        [flag, n] if flag == "--rounds" => n.parse().map_err(|_| format!("--rounds {n}: not a number"))?,
        _ => return Err("usage: cargo xtask bench-threads [--rounds N]".to_owned()),
    };
    println!(
        "thread start latency, ms ({rounds} starts each; the parent works {} ms after each start, after {} ms of rest)",
        WORK.as_secs_f64() * 1000.0,
        REST.as_millis()
    );
    println!(
        "{:<24} {:>7} {:>7} {:>7} {:>7}",
        "started by", "min", "median", "p90", "max"
    );
    for (name, beside) in [("std::thread::scope", false), ("spawn_beside", true)] {
        let mut latencies: Vec<f64> = (0..rounds).map(|_| latency(beside)).collect();
        latencies.sort_by(f64::total_cmp);
        let at = |q: f64| latencies[((latencies.len() - 1) as f64 * q).round() as usize];
        println!(
            "{name:<24} {:>7.3} {:>7.3} {:>7.3} {:>7.3}",
            at(0.0),
            at(0.5),
            at(0.9),
            at(1.0)
        );
    }
    Ok(())
}

/// Milliseconds from starting a thread to its first instruction.
fn latency(beside: bool) -> f64 {
    std::thread::sleep(REST);
    std::thread::scope(|scope| {
        let started = Instant::now();
        let first = move || started.elapsed();
        let handle = if beside {
            generator::spawn_beside(scope, first)
        } else {
            scope.spawn(first)
        };
        while started.elapsed() < WORK {
            std::hint::spin_loop();
        }
        handle.join().map_or(f64::NAN, |late| late.as_secs_f64() * 1000.0)
    })
}
