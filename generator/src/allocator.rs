//! The global allocator of the commands (`openapi-rust-gen`, `cargo xtask`):
//! mimalloc. The library sets none; a build script calling
//! [`generate`](crate::generate) allocates with whatever its program has.
//!
//! A generation allocates and frees millions of small blocks (token trees,
//! `syn`'s syntax trees, strings): with glibc's allocator that was a third of
//! its instructions, with mimalloc a fifth (BENCHMARKS.md). The `mimalloc`
//! crate's allocator calls mimalloc's `_aligned` functions for every block,
//! about 30 instructions more per call than `mi_malloc`; this one calls the
//! plain functions when the alignment asked for is one every mimalloc block
//! has anyway, and the crate's otherwise.

use std::alloc::{GlobalAlloc, Layout};
use std::ffi::c_void;

/// The alignment of every block mimalloc hands out: its smallest blocks are
/// one machine word, and all are word-aligned.
const WORD: usize = std::mem::size_of::<usize>();

/// mimalloc, through its plain `malloc`/`realloc` where that is enough.
#[derive(Debug, Clone, Copy, Default)]
pub struct Allocator;

// SAFETY: every block comes from mimalloc and goes back to it (`mi_free`
// frees blocks of either entry point); a block from the plain functions is
// only handed out for an alignment of at most a word, which it has.
unsafe impl GlobalAlloc for Allocator {
    #[inline]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if layout.align() <= WORD {
            // SAFETY: a plain allocation of a non-zero size (GlobalAlloc's contract).
            unsafe { libmimalloc_sys::mi_malloc(layout.size()).cast() }
        } else {
            // SAFETY: as the caller's.
            unsafe { mimalloc::MiMalloc.alloc(layout) }
        }
    }

    #[inline]
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        if layout.align() <= WORD {
            // SAFETY: as `alloc`.
            unsafe { libmimalloc_sys::mi_zalloc(layout.size()).cast() }
        } else {
            // SAFETY: as the caller's.
            unsafe { mimalloc::MiMalloc.alloc_zeroed(layout) }
        }
    }

    #[inline]
    unsafe fn dealloc(&self, ptr: *mut u8, _layout: Layout) {
        // SAFETY: `ptr` came from mimalloc (this allocator).
        unsafe { libmimalloc_sys::mi_free(ptr.cast::<c_void>()) }
    }

    #[inline]
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if layout.align() <= WORD {
            // SAFETY: `ptr` came from mimalloc; the new block keeps word alignment.
            unsafe { libmimalloc_sys::mi_realloc(ptr.cast::<c_void>(), new_size).cast() }
        } else {
            // SAFETY: as the caller's.
            unsafe { mimalloc::MiMalloc.realloc(ptr, layout, new_size) }
        }
    }
}
