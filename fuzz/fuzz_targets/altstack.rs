//! Gives libFuzzer's `SIGSEGV` handler an alternate signal stack, so that a
//! stack overflow (the crash this fuzzer exists to find) is reported as a
//! crash with its input saved. Without a sanitizer (`cargo fuzz -s none`,
//! the stable toolchain) the handler would itself run on the overflowed
//! stack and the process would die with no input saved.

use std::sync::Once;

/// Size of the alternate signal stack of each thread.
const SIZE: usize = 1 << 16;

thread_local! {
    static ALT_STACK: () = {
        let stack = Box::leak(vec![0u8; SIZE].into_boxed_slice());
        let alt = libc::stack_t {
            ss_sp: stack.as_mut_ptr().cast(),
            ss_flags: 0,
            ss_size: SIZE,
        };
        // SAFETY: `alt` points at a leaked buffer that lives as long as
        // the thread; the old stack is not asked for.
        unsafe { libc::sigaltstack(&alt, std::ptr::null_mut()) };
    };
}

/// Installs the alternate stack on this thread, and (once) tells the
/// handlers libFuzzer installed to run on it.
pub fn ensure() {
    static ON_STACK: Once = Once::new();
    ON_STACK.call_once(|| {
        for signal in [libc::SIGSEGV, libc::SIGBUS] {
            // SAFETY: reads the current handler and sets it again with one
            // more flag; `action` is a plain C struct, zeroed then filled.
            unsafe {
                let mut action: libc::sigaction = std::mem::zeroed();
                libc::sigaction(signal, std::ptr::null(), &mut action);
                action.sa_flags |= libc::SA_ONSTACK;
                libc::sigaction(signal, &action, std::ptr::null_mut());
            }
        }
    });
    ALT_STACK.with(|_| {});
}
