//! Compiling scripts and modules, with a process-wide cache of the bytecode of the files that
//! are the same in every run (the harness's prelude, the built-in module facades).
//!
//! A case's own script is compiled afresh in every run: the cache is for what would otherwise be
//! parsed again for every case, not for making repeated runs of one case look cheaper.

use std::collections::HashMap;
use std::ffi::CString;
use std::hash::{Hash, Hasher};
use std::sync::{Arc, Mutex, OnceLock};

use rquickjs::module::{Declared, WriteOptions};
use rquickjs::{qjs, Ctx, Module, Value};

type Key = (String, u64, usize);

fn cache() -> &'static Mutex<HashMap<Key, Arc<Vec<u8>>>> {
    static CACHE: OnceLock<Mutex<HashMap<Key, Arc<Vec<u8>>>>> = OnceLock::new();
    CACHE.get_or_init(|| Mutex::new(HashMap::new()))
}

fn key(name: &str, src: &str) -> Key {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    src.hash(&mut h);
    (name.to_string(), h.finish(), src.len())
}

fn lookup(k: &Key) -> Option<Arc<Vec<u8>>> {
    cache().lock().ok()?.get(k).cloned()
}

fn store(k: Key, bytes: Vec<u8>) {
    if let Ok(mut c) = cache().lock() {
        c.insert(k, Arc::new(bytes));
    }
}

/// Evaluate a global script and return its completion value (for CommonJS, the wrapper
/// function).
pub fn script<'js>(
    ctx: &Ctx<'js>,
    name: &str,
    src: &str,
    cacheable: bool,
) -> rquickjs::Result<Value<'js>> {
    let raw = ctx.as_raw().as_ptr();
    let k = key(name, src);
    if cacheable {
        if let Some(bytes) = lookup(&k) {
            // SAFETY: the bytecode was written by this QuickJS build in this process; returned
            // values are owned and handed to Value::from_raw.
            unsafe {
                let f = qjs::JS_ReadObject(
                    raw,
                    bytes.as_ptr(),
                    bytes.len() as _,
                    qjs::JS_READ_OBJ_BYTECODE as i32,
                );
                if qjs::JS_IsException(f) {
                    return Err(rquickjs::Error::Exception);
                }
                let v = qjs::JS_EvalFunction(raw, f);
                if qjs::JS_IsException(v) {
                    return Err(rquickjs::Error::Exception);
                }
                return Ok(Value::from_raw(ctx.clone(), v));
            }
        }
    }
    let code = CString::new(src)?;
    let file = CString::new(name)?;
    // SAFETY: NUL-terminated inputs that outlive the calls; every returned value and buffer is
    // either freed here or handed to Value::from_raw.
    unsafe {
        let flags = (qjs::JS_EVAL_TYPE_GLOBAL | qjs::JS_EVAL_FLAG_COMPILE_ONLY) as i32;
        let f = qjs::JS_Eval(raw, code.as_ptr(), src.len() as _, file.as_ptr(), flags);
        if qjs::JS_IsException(f) {
            return Err(rquickjs::Error::Exception);
        }
        if cacheable {
            let mut len: qjs::size_t = 0;
            let buf = qjs::JS_WriteObject(
                raw,
                &mut len,
                f,
                (qjs::JS_WRITE_OBJ_BYTECODE | qjs::JS_WRITE_OBJ_STRIP_SOURCE) as i32,
            );
            if !buf.is_null() {
                store(k, std::slice::from_raw_parts(buf, len as usize).to_vec());
                qjs::js_free(raw, buf as *mut std::ffi::c_void);
            }
        }
        let v = qjs::JS_EvalFunction(raw, f);
        if qjs::JS_IsException(v) {
            return Err(rquickjs::Error::Exception);
        }
        Ok(Value::from_raw(ctx.clone(), v))
    }
}

/// Declare an ES module.
pub fn module<'js>(
    ctx: &Ctx<'js>,
    name: &str,
    src: &str,
    cacheable: bool,
) -> rquickjs::Result<Module<'js, Declared>> {
    let k = key(name, src);
    if cacheable {
        if let Some(bytes) = lookup(&k) {
            // SAFETY: the bytecode was written by this QuickJS build in this process.
            return unsafe { Module::load(ctx.clone(), &bytes) };
        }
    }
    let m = Module::declare(ctx.clone(), name, src)?;
    if cacheable {
        let opts = WriteOptions {
            strip_source: true,
            ..WriteOptions::default()
        };
        if let Ok(bytes) = m.write(opts) {
            store(k, bytes);
        }
    }
    Ok(m)
}
