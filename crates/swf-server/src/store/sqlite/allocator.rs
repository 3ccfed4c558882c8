//! SQLite's own allocations through mimalloc, the service's allocator (D65).
//!
//! SQLite allocates with the C library's `malloc` unless told otherwise, and sqlx copies every
//! value of every row it reads (`sqlite3_value_dup`): under the overview's load glibc's malloc
//! and free were about a tenth of the service's CPU. `SQLITE_CONFIG_MALLOC` hands SQLite
//! mimalloc's functions instead.
//!
//! SQLite accepts the setting only before it is initialised, and `sqlite3_config` must not run
//! while another thread uses SQLite: the service's `main` calls [`use_mimalloc`] first thing, when
//! no database is open. A process that opened SQLite earlier (the desktop app with its mirror,
//! a test) keeps the C library's malloc: the call then changes nothing and says so.
use libmimalloc_sys as mi;
use libsqlite3_sys as ffi;
use std::os::raw::{c_int, c_void};

fn to_int(n: usize) -> c_int {
    c_int::try_from(n).unwrap_or(c_int::MAX)
}

fn to_size(n: c_int) -> usize {
    usize::try_from(n).unwrap_or(0)
}

unsafe extern "C" fn x_malloc(n: c_int) -> *mut c_void {
    // SAFETY: any size is valid for mi_malloc; SQLite treats null as out of memory
    unsafe { mi::mi_malloc(to_size(n)) }
}

unsafe extern "C" fn x_free(p: *mut c_void) {
    // SAFETY: SQLite frees only what x_malloc/x_realloc returned (or null)
    unsafe { mi::mi_free(p) }
}

unsafe extern "C" fn x_realloc(p: *mut c_void, n: c_int) -> *mut c_void {
    // SAFETY: as x_free; SQLite never passes a size of 0 here
    unsafe { mi::mi_realloc(p, to_size(n)) }
}

unsafe extern "C" fn x_size(p: *mut c_void) -> c_int {
    // SAFETY: p came from x_malloc/x_realloc (SQLite asks only of its own allocations)
    to_int(unsafe { mi::mi_usable_size(p) })
}

unsafe extern "C" fn x_roundup(n: c_int) -> c_int {
    // SAFETY: a pure size computation
    to_int(unsafe { mi::mi_good_size(to_size(n)) })
}

unsafe extern "C" fn x_init(_: *mut c_void) -> c_int {
    ffi::SQLITE_OK
}

unsafe extern "C" fn x_shutdown(_: *mut c_void) {}

/// Route SQLite's allocations to mimalloc. Call before anything in the process opens SQLite
/// and while no other thread can; `false` when SQLite was initialised already (nothing changed).
pub fn use_mimalloc() -> bool {
    let methods = ffi::sqlite3_mem_methods {
        xMalloc: Some(x_malloc),
        xFree: Some(x_free),
        xRealloc: Some(x_realloc),
        xSize: Some(x_size),
        xRoundup: Some(x_roundup),
        xInit: Some(x_init),
        xShutdown: Some(x_shutdown),
        pAppData: std::ptr::null_mut(),
    };
    // SAFETY: SQLITE_CONFIG_MALLOC takes a pointer to a sqlite3_mem_methods, which SQLite copies
    // before returning; it refuses (SQLITE_MISUSE) once initialised. The caller guarantees that
    // no other thread uses SQLite meanwhile.
    let rc = unsafe {
        ffi::sqlite3_config(
            ffi::SQLITE_CONFIG_MALLOC,
            &methods as *const ffi::sqlite3_mem_methods,
        )
    };
    rc == ffi::SQLITE_OK
}

#[cfg(test)]
mod tests {
    use super::*;

    const CHILD: &str = "SWF_ALLOCATOR_TEST_CHILD";
    const NAME: &str = "store::sqlite::allocator::tests::sqlite_allocates_from_mimalloc_once_routed_and_a_late_call_changes_nothing";

    /// Runs in a process of its own (this test binary again, only this test): SQLite must not be
    /// initialised yet, and no other test may use it meanwhile.
    #[test]
    fn sqlite_allocates_from_mimalloc_once_routed_and_a_late_call_changes_nothing() {
        if std::env::var_os(CHILD).is_none() {
            let exe = std::env::current_exe().expect("the test binary");
            let out = std::process::Command::new(exe)
                .args([NAME, "--exact", "--test-threads=1", "--nocapture"])
                .env(CHILD, "1")
                .output()
                .expect("run the test binary");
            let text = String::from_utf8_lossy(&out.stdout).into_owned()
                + &String::from_utf8_lossy(&out.stderr);
            assert!(out.status.success(), "{text}");
            assert!(
                text.contains("1 passed"),
                "the test did not run in the child: {text}"
            );
            return;
        }
        assert!(
            use_mimalloc(),
            "SQLite refused the allocator before it was initialised"
        );
        // SAFETY: plain SQLite C API calls on a block this test owns
        unsafe {
            let p = ffi::sqlite3_malloc(100);
            assert!(!p.is_null());
            assert!(
                mi::mi_is_in_heap_region(p),
                "SQLite's block is not mimalloc's"
            );
            assert!(ffi::sqlite3_msize(p) >= 100);
            ffi::sqlite3_free(p);
        }
        // a database works on it, and a second call (SQLite initialised now) is refused
        let conn = in_memory_database_works();
        assert!(
            conn,
            "an in-memory database did not work with the routed allocator"
        );
        assert!(
            !use_mimalloc(),
            "a call after initialisation must change nothing"
        );
    }

    /// Open an in-memory database, write and read a row through the C API.
    fn in_memory_database_works() -> bool {
        // SAFETY: the C API used as documented; every handle is finalised and closed
        unsafe {
            let mut db = std::ptr::null_mut();
            let name = c":memory:";
            if ffi::sqlite3_open(name.as_ptr(), &mut db) != ffi::SQLITE_OK {
                return false;
            }
            let sql = c"CREATE TABLE t (x TEXT); INSERT INTO t VALUES (hex(randomblob(5000)));";
            let ok = ffi::sqlite3_exec(
                db,
                sql.as_ptr(),
                None,
                std::ptr::null_mut(),
                std::ptr::null_mut(),
            ) == ffi::SQLITE_OK;
            ffi::sqlite3_close(db) == ffi::SQLITE_OK && ok
        }
    }
}
