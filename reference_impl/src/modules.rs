//! ES module resolution and loading.
//!
//! `node:` built-ins are the bootstrap's module objects, re-exported by a generated module
//! (default export plus one named export per key, as Node's built-in ESM facades have); files are
//! read from disk relative to the importing module.

use std::path::Path;

use rquickjs::loader::{ImportAttributes, Loader, Resolver};
use rquickjs::module::Declared;
use rquickjs::{Ctx, Exception, Function, Module, Object, Result, Symbol, Value};

use crate::host::{normalize, Shared};

/// The key under which the bootstrap publishes its `builtin(name)` function on the global.
pub const BUILTIN_KEY: &str = "ah.internal.builtin";
/// The key of the bootstrap's function that fills a file module's `import.meta`.
pub const IMPORT_META_KEY: &str = "ah.internal.importMeta";

pub struct NodeResolver;

fn throw<T>(ctx: &Ctx<'_>, msg: &str) -> Result<T> {
    let e = Exception::from_message(ctx.clone(), msg)?;
    Err(ctx.throw(e.into_value()))
}

fn builtin<'js>(ctx: &Ctx<'js>, name: &str) -> Result<Option<Object<'js>>> {
    let key = Symbol::new_global(ctx.clone(), BUILTIN_KEY)?;
    let f: Function = ctx.globals().get(key)?;
    let v: Value = f.call((name,))?;
    Ok(v.into_object())
}

impl Resolver for NodeResolver {
    fn resolve<'js>(
        &mut self,
        ctx: &Ctx<'js>,
        base: &str,
        name: &str,
        _attributes: Option<ImportAttributes<'js>>,
    ) -> Result<String> {
        if name.starts_with("./") || name.starts_with("../") || name.starts_with('/') {
            let dir = Path::new(base).parent().unwrap_or(Path::new("/"));
            return Ok(normalize(&dir.join(name)).to_string_lossy().into_owned());
        }
        let full = if name.starts_with("node:") {
            name.to_string()
        } else {
            format!("node:{name}")
        };
        if builtin(ctx, &full)?.is_some() {
            return Ok(full);
        }
        throw(
            ctx,
            &format!("Cannot find package '{name}' imported from {base} (the reference runtime has no package resolution)"),
        )
    }
}

pub struct NodeLoader {
    pub state: Shared,
}

fn is_ident(k: &str) -> bool {
    let mut chars = k.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_' || c == '$')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$')
}

impl Loader for NodeLoader {
    fn load<'js>(
        &mut self,
        ctx: &Ctx<'js>,
        name: &str,
        _attributes: Option<ImportAttributes<'js>>,
    ) -> Result<Module<'js, Declared>> {
        if name.starts_with("node:") {
            let Some(m) = builtin(ctx, name)? else {
                return throw(ctx, &format!("No such built-in module: {name}"));
            };
            let keys: Vec<String> = m
                .keys::<String>()
                .filter_map(|k| k.ok())
                .filter(|k| is_ident(k) && k != "default")
                .collect();
            let mut src = format!(
                "const m = globalThis[Symbol.for('{BUILTIN_KEY}')]({name:?});\nexport default m;\n"
            );
            if !keys.is_empty() {
                src.push_str(&format!("export const {{ {} }} = m;\n", keys.join(", ")));
            }
            let kept = self.state.borrow().kept.clone();
            return crate::compile::module(ctx, name, &src, true, kept.as_deref());
        }
        let (read, kept) = {
            let mut st = self.state.borrow_mut();
            (st.fs.read(name), st.kept.clone())
        };
        match read {
            Ok((src, cacheable)) => {
                let m = crate::compile::module(ctx, name, &src, cacheable, kept.as_deref())?;
                let key = Symbol::new_global(ctx.clone(), IMPORT_META_KEY)?;
                let init: Function = ctx.globals().get(key)?;
                init.call::<_, ()>((m.meta()?, name))?;
                Ok(m)
            }
            Err(e) => throw(ctx, &format!("Cannot find module '{name}': {e}")),
        }
    }
}
