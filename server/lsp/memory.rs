//! Keeping the server small on glibc, which gives each thread a malloc arena of its own and rarely hands freed
//! pages back: the lints allocate and free a lot between long-lived buffers, and the resident size would creep up
//! with fragmentation. One arena for the whole process, and a trim once the server is idle, keep it near its live
//! heap. Elsewhere these are no-ops.

#[cfg(all(target_os = "linux", target_env = "gnu"))]
mod glibc {
    extern "C" {
        fn mallopt(param: i32, value: i32) -> i32;
        fn malloc_trim(pad: usize) -> i32;
    }
    /// `M_ARENA_MAX` in glibc's `malloc.h`.
    const M_ARENA_MAX: i32 = -8;

    pub fn one_arena() {
        // SAFETY: `mallopt` only changes allocator tuning; called before the runtime starts its threads.
        unsafe {
            mallopt(M_ARENA_MAX, 1);
        }
    }

    pub fn release() {
        // SAFETY: `malloc_trim` returns free memory to the system; it is safe to call at any time.
        unsafe {
            malloc_trim(0);
        }
    }
}

/// Call once, before any thread starts.
pub fn one_arena() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    glibc::one_arena();
}

/// Gives freed memory back to the system.
pub fn release() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    glibc::release();
}
