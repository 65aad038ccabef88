//! Compiling scripts and modules, with two caches of the files that are the same in every run
//! (the harness's prelude, the built-in module facades):
//!
//! - a process-wide cache of their bytecode, so that each file is parsed once per process;
//! - a cache per runtime ([`RuntimeCache`]) of the function bytecode itself, which every
//!   context of that runtime instantiates (see `async-context.patch`), so that a later run on
//!   the same runtime neither parses nor reads bytecode for them.
//!
//! A case's own script is compiled afresh in every run: the caches are for what would otherwise
//! be parsed again for every case, not for making repeated runs of one case look cheaper.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::ffi::CString;
use std::hash::{Hash, Hasher};
use std::ptr::NonNull;
use std::sync::{Arc, Mutex, OnceLock};

use rquickjs::module::Declared;
use rquickjs::{qjs, Ctx, Module, Value};

/// What the patch adds to QuickJS for sharing compiled files between contexts.
mod ffi {
    use rquickjs::qjs::{JSContext, JSRuntime, JSValue};
    #[repr(C)]
    pub struct JSModuleTemplate {
        _private: [u8; 0],
    }
    extern "C" {
        pub fn JS_IsShareableBytecode(val: JSValue) -> bool;
        pub fn JS_NewModuleTemplate(ctx: *mut JSContext, module: JSValue) -> *mut JSModuleTemplate;
        pub fn JS_NewModuleFromTemplate(ctx: *mut JSContext, t: *mut JSModuleTemplate) -> JSValue;
        pub fn JS_FreeModuleTemplate(rt: *mut JSRuntime, t: *mut JSModuleTemplate);
    }
}

/// The compiled files one runtime keeps for its later runs, by file name and text. Only
/// bytecode that refers to nothing of the context that made it is kept
/// (`JS_IsShareableBytecode`). Owned by the runtime's keeper, which frees it before the runtime.
#[derive(Default)]
pub struct RuntimeCache {
    scripts: RefCell<HashMap<Key, qjs::JSValue>>,
    modules: RefCell<HashMap<Key, NonNull<ffi::JSModuleTemplate>>>,
}

impl RuntimeCache {
    /// How many compiled files are kept.
    pub fn count(&self) -> usize {
        self.scripts.borrow().len() + self.modules.borrow().len()
    }

    /// Free everything kept.
    ///
    /// # Safety
    /// `rt` is the runtime the kept files were compiled in, and it is not running.
    pub unsafe fn free(&self, rt: *mut qjs::JSRuntime) {
        for (_, v) in self.scripts.borrow_mut().drain() {
            // SAFETY: each value is a reference this cache owns, freed once.
            unsafe { qjs::JS_FreeValueRT(rt, v) };
        }
        for (_, t) in self.modules.borrow_mut().drain() {
            // SAFETY: as above.
            unsafe { ffi::JS_FreeModuleTemplate(rt, t.as_ptr()) };
        }
    }

    /// Keep `f`, function bytecode of this runtime, if it can be shared.
    fn keep_script(&self, raw: *mut qjs::JSContext, k: &Key, f: qjs::JSValue) {
        // SAFETY: `f` is live function bytecode; the cache takes a reference of its own.
        unsafe {
            if ffi::JS_IsShareableBytecode(f) {
                let v = qjs::JS_DupValue(raw, f);
                if let Some(old) = self.scripts.borrow_mut().insert(k.clone(), v) {
                    qjs::JS_FreeValue(raw, old);
                }
            }
        }
    }

    /// Keep a template of `m`, a module declared and not yet linked, if it can be shared.
    fn keep_module(&self, raw: *mut qjs::JSContext, k: &Key, m: qjs::JSValue) {
        // SAFETY: `m` is a live module value of this context; the template takes references
        // of its own to what it copies.
        unsafe {
            if let Some(t) = NonNull::new(ffi::JS_NewModuleTemplate(raw, m)) {
                if let Some(old) = self.modules.borrow_mut().insert(k.clone(), t) {
                    ffi::JS_FreeModuleTemplate(qjs::JS_GetRuntime(raw), old.as_ptr());
                }
            }
        }
    }
}

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

/// Compile `src` (a global script or a module, by `eval_type`) without running it, and when a
/// key is given store its bytecode in the process-wide cache. Returns the compiled value, or
/// `JS_EXCEPTION` with the error pending in `ctx`.
fn compile_and_store(
    ctx: &Ctx<'_>,
    name: &str,
    src: &str,
    eval_type: u32,
    store_as: Option<&Key>,
) -> rquickjs::Result<qjs::JSValue> {
    let raw = ctx.as_raw().as_ptr();
    let code = CString::new(src)?;
    let file = CString::new(name)?;
    // SAFETY: NUL-terminated inputs that outlive the calls; the buffer JS_WriteObject returns
    // is copied and freed here.
    unsafe {
        let flags = (eval_type | qjs::JS_EVAL_FLAG_COMPILE_ONLY) as i32;
        let v = qjs::JS_Eval(raw, code.as_ptr(), src.len() as _, file.as_ptr(), flags);
        if let (Some(k), false) = (store_as, qjs::JS_IsException(v)) {
            let mut len: qjs::size_t = 0;
            let buf = qjs::JS_WriteObject(
                raw,
                &mut len,
                v,
                (qjs::JS_WRITE_OBJ_BYTECODE | qjs::JS_WRITE_OBJ_STRIP_SOURCE) as i32,
            );
            if !buf.is_null() {
                store(
                    k.clone(),
                    std::slice::from_raw_parts(buf, len as usize).to_vec(),
                );
                qjs::js_free(raw, buf as *mut std::ffi::c_void);
            }
        }
        Ok(v)
    }
}

/// Evaluate a global script and return its completion value (for CommonJS, the wrapper
/// function).
pub fn script<'js>(
    ctx: &Ctx<'js>,
    name: &str,
    src: &str,
    cacheable: bool,
    kept: Option<&RuntimeCache>,
) -> rquickjs::Result<Value<'js>> {
    let raw = ctx.as_raw().as_ptr();
    let k = key(name, src);
    let kept = kept.filter(|_| cacheable);
    if let Some(f) = kept.and_then(|c| c.scripts.borrow().get(&k).copied()) {
        // SAFETY: shareable function bytecode of this runtime; JS_EvalFunction consumes the new
        // reference and makes the function in this context.
        unsafe {
            let v = qjs::JS_EvalFunction(raw, qjs::JS_DupValue(raw, f));
            if qjs::JS_IsException(v) {
                return Err(rquickjs::Error::Exception);
            }
            return Ok(Value::from_raw(ctx.clone(), v));
        }
    }
    let f = match cacheable.then(|| lookup(&k)).flatten() {
        // SAFETY: the bytecode was written by this QuickJS build in this process.
        Some(bytes) => unsafe {
            qjs::JS_ReadObject(
                raw,
                bytes.as_ptr(),
                bytes.len() as _,
                qjs::JS_READ_OBJ_BYTECODE as i32,
            )
        },
        None => compile_and_store(
            ctx,
            name,
            src,
            qjs::JS_EVAL_TYPE_GLOBAL,
            cacheable.then_some(&k),
        )?,
    };
    // SAFETY: `f` is function bytecode owned here; JS_EvalFunction consumes it and the value it
    // returns is handed to Value::from_raw.
    unsafe {
        if qjs::JS_IsException(f) {
            return Err(rquickjs::Error::Exception);
        }
        if let Some(c) = kept {
            c.keep_script(raw, &k, f);
        }
        let v = qjs::JS_EvalFunction(raw, f);
        if qjs::JS_IsException(v) {
            return Err(rquickjs::Error::Exception);
        }
        Ok(Value::from_raw(ctx.clone(), v))
    }
}

thread_local! {
    /// The module [`declared`] hands to rquickjs through [`Module::from_load_fn`], which
    /// takes no argument for it.
    static DECLARED: Cell<*mut qjs::JSModuleDef> = const { Cell::new(std::ptr::null_mut()) };
}

unsafe extern "C" fn take_declared(
    _ctx: *mut qjs::JSContext,
    _name: *const std::ffi::c_char,
) -> *mut qjs::JSModuleDef {
    DECLARED.with(|d| d.replace(std::ptr::null_mut()))
}

/// `v`, a module value of `ctx` (or an exception), as rquickjs's declared module.
fn declared<'js>(
    ctx: &Ctx<'js>,
    name: &str,
    v: qjs::JSValue,
) -> rquickjs::Result<Module<'js, Declared>> {
    // SAFETY: a module value's pointer is its JSModuleDef, live as long as its context.
    unsafe {
        if qjs::JS_IsException(v) || qjs::JS_VALUE_GET_TAG(v) != qjs::JS_TAG_MODULE {
            return Err(rquickjs::Error::Exception);
        }
        DECLARED.with(|d| d.set(qjs::JS_VALUE_GET_PTR(v).cast()));
        Module::from_load_fn(ctx.clone(), name, take_declared)
    }
}

/// Declare an ES module.
pub fn module<'js>(
    ctx: &Ctx<'js>,
    name: &str,
    src: &str,
    cacheable: bool,
    kept: Option<&RuntimeCache>,
) -> rquickjs::Result<Module<'js, Declared>> {
    let raw = ctx.as_raw().as_ptr();
    let k = key(name, src);
    let kept = kept.filter(|_| cacheable);
    if let Some(t) = kept.and_then(|c| c.modules.borrow().get(&k).copied()) {
        // SAFETY: a template of this runtime; the module is made in this context and its
        // requests resolved here.
        let v = unsafe { ffi::JS_NewModuleFromTemplate(raw, t.as_ptr()) };
        return declared(ctx, name, v);
    }
    let v = match cacheable.then(|| lookup(&k)).flatten() {
        // SAFETY: the bytecode was written by this QuickJS build in this process and is kept
        // (process-wide) for as long as the process lives, as ROM data must be.
        Some(bytes) => unsafe {
            qjs::JS_ReadObject(
                raw,
                bytes.as_ptr(),
                bytes.len() as _,
                (qjs::JS_READ_OBJ_BYTECODE | qjs::JS_READ_OBJ_ROM_DATA) as i32,
            )
        },
        None => compile_and_store(
            ctx,
            name,
            src,
            qjs::JS_EVAL_TYPE_MODULE,
            cacheable.then_some(&k),
        )?,
    };
    // SAFETY: checked before use.
    if let (Some(c), false) = (kept, unsafe { qjs::JS_IsException(v) }) {
        c.keep_module(raw, &k, v);
    }
    declared(ctx, name, v)
}
