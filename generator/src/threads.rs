//! The threads of a generation: how many it may keep busy, and how one is
//! started beside the caller so that the two really run at once.
//!
//! A generation spreads its work over the cores in a few places (the two
//! halves of a large YAML spec, the typed read, the formatting jobs); each
//! starts its threads with [`spawn_beside`] and waits for them with [`join`].

use std::thread::{Scope, ScopedJoinHandle};
use std::time::{Duration, Instant};

/// How many threads a generation may keep busy: the cores this process
/// may run on, asked once (the standard library reads the cgroup's files
/// to answer, at every call).
pub(crate) fn cores() -> usize {
    static CORES: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    *CORES.get_or_init(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
}

/// Start `work` on a thread of `scope`, and make sure the two run at once.
///
/// On a virtual machine a CPU with nothing to do is halted and, to the
/// kernel, looks taken; so a new thread is often queued behind the thread
/// that started it, and runs only when that one blocks or the scheduler's
/// next balancing moves one of them. Measured on a 2-core VM: a thread
/// started while its parent works began 1.5 ms later (median), just when its
/// parent stopped; so the halves of a spec were read one after the other,
/// not at once (BENCHMARKS.md, fifth round; `cargo xtask bench-threads`).
/// On Linux the caller therefore steps aside: it moves itself to another of
/// its CPUs, which wakes that one, and allows itself all of them again at
/// once. The new thread has the CPU they shared, and starts in 0.08 ms
/// (median). Where
/// this cannot be done (another system, one CPU, a call that fails), the
/// thread starts as any other.
pub fn spawn_beside<'scope, T: Send + 'scope>(
    scope: &'scope Scope<'scope, '_>,
    work: impl FnOnce() -> T + Send + 'scope,
) -> ScopedJoinHandle<'scope, T> {
    let cpus = placement::cpus();
    let handle = scope.spawn(work);
    if let Some(cpus) = &cpus {
        placement::step_aside(cpus);
    }
    handle
}

/// How long [`join`] spins before it sleeps.
const SPIN: Duration = Duration::from_millis(2);

/// Wait for a thread of [`spawn_beside`] that is finishing its share of the
/// same piece of work: spin a little (at most [`SPIN`]) before sleeping in
/// `join`. A thread that sleeps leaves its CPU to halt, and on a virtual
/// machine waking it again took as long as a new thread took to start
/// (0.45 ms median); the shares of a generation end within a fraction of a
/// millisecond of each other. Work that takes longer (a very large spec)
/// spins for 2 ms and then sleeps as before.
pub(crate) fn join<T>(handle: ScopedJoinHandle<'_, T>) -> std::thread::Result<T> {
    let started = Instant::now();
    while !handle.is_finished() && started.elapsed() < SPIN {
        std::hint::spin_loop();
    }
    handle.join()
}

#[cfg(target_os = "linux")]
mod placement {
    /// The CPUs the caller may run on, and the same without the one it is on.
    pub(super) struct Cpus {
        all: libc::cpu_set_t,
        others: libc::cpu_set_t,
    }

    pub(super) fn cpus() -> Option<Cpus> {
        // SAFETY: `cpu_set_t` is plain bits (all zero is the empty set);
        // `sched_getaffinity` writes at most the size it is given into it,
        // and `sched_getcpu` takes nothing.
        unsafe {
            let mut all: libc::cpu_set_t = std::mem::zeroed();
            if libc::sched_getaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &mut all) != 0 {
                return None;
            }
            let here = usize::try_from(libc::sched_getcpu()).ok()?;
            let mut others = all;
            libc::CPU_CLR(here, &mut others);
            (libc::CPU_COUNT(&others) > 0).then_some(Cpus { all, others })
        }
    }

    /// Move the calling thread to one of the other CPUs, then allow it all
    /// of them again (it stays where it was moved). A call that fails
    /// leaves the thread where it was, which is only slower.
    pub(super) fn step_aside(cpus: &Cpus) {
        // SAFETY: each set is a whole `cpu_set_t` of the size given, read
        // only; pid 0 is the calling thread.
        unsafe {
            libc::sched_setaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &cpus.others);
            libc::sched_setaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &cpus.all);
        }
    }
}

#[cfg(not(target_os = "linux"))]
mod placement {
    pub(super) enum Cpus {}

    pub(super) fn cpus() -> Option<Cpus> {
        None
    }

    pub(super) fn step_aside(cpus: &Cpus) {
        match *cpus {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The work runs and answers, however many times threads are started,
    /// and the caller keeps every CPU it had: stepping aside is not a pin.
    #[test]
    fn threads_started_beside_run_and_leave_the_caller_free() {
        let before = std::thread::available_parallelism().map(|n| n.get()).ok();
        let data = vec![1, 2, 3];
        let sums: Vec<i32> = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..4)
                .map(|k| {
                    spawn_beside(scope, {
                        let data = &data;
                        move || data.iter().sum::<i32>() * k
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        assert_eq!(sums, [0, 6, 12, 18]);
        assert_eq!(std::thread::available_parallelism().map(|n| n.get()).ok(), before);
    }
}
