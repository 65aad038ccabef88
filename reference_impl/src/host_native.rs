//! Native work that JavaScript cannot do cheaply or that must match Node's results byte for
//! byte once decoded: deflate/inflate (node:zlib), hashes, HMAC, PBKDF2, scrypt and random
//! bytes (node:crypto). Each function is pure and synchronous: the bootstrap (`zlib.js`,
//! `crypto.js`) decides when its result is delivered, one loop turn per native request.
//!
//! Bytes cross as `Uint8Array`s. Errors are thrown as `{ code, hostError: true }`, as the other
//! host functions do.

use std::io::{Read, Write};

use rquickjs::function::Rest;
use rquickjs::{Ctx, Function, Object, TypedArray, Value};
use sha2::Digest;

/// The bytes of a `Uint8Array` argument (empty when it is something else).
fn bytes_arg(args: &Rest<Value<'_>>, i: usize) -> Vec<u8> {
    let Some(v) = args.0.get(i) else {
        return Vec::new();
    };
    let Some(obj) = v.as_object() else {
        return Vec::new();
    };
    let Some(ta) = obj.as_typed_array::<u8>() else {
        return Vec::new();
    };
    // SAFETY: the slice is copied before any JavaScript runs again.
    unsafe { ta.as_bytes().map(|b| b.to_vec()).unwrap_or_default() }
}

fn num_arg(args: &Rest<Value<'_>>, i: usize) -> f64 {
    args.0.get(i).and_then(|v| v.as_number()).unwrap_or(0.0)
}

fn str_arg(args: &Rest<Value<'_>>, i: usize) -> String {
    args.0
        .get(i)
        .and_then(|v| v.as_string())
        .and_then(|s| s.to_string().ok())
        .unwrap_or_default()
}

fn throw<'js, T>(ctx: &Ctx<'js>, code: &str, message: &str) -> rquickjs::Result<T> {
    let o = Object::new(ctx.clone())?;
    o.set("code", code)?;
    o.set("message", message)?;
    o.set("hostError", true)?;
    Err(ctx.throw(o.into_value()))
}

/// One whole-buffer zlib operation. `mode` is Node's class name in lower case.
fn zlib(mode: &str, input: &[u8], level: i32) -> Result<Vec<u8>, (&'static str, String)> {
    use flate2::Compression;
    let level = if (0..=9).contains(&level) {
        Compression::new(level as u32)
    } else {
        Compression::default()
    };
    let data_error = |e: std::io::Error| ("Z_DATA_ERROR", e.to_string());
    let mut out = Vec::new();
    match mode {
        "deflate" => {
            let mut e = flate2::write::ZlibEncoder::new(Vec::new(), level);
            e.write_all(input).map_err(data_error)?;
            out = e.finish().map_err(data_error)?;
        }
        "deflateraw" => {
            let mut e = flate2::write::DeflateEncoder::new(Vec::new(), level);
            e.write_all(input).map_err(data_error)?;
            out = e.finish().map_err(data_error)?;
        }
        "gzip" => {
            let mut e = flate2::write::GzEncoder::new(Vec::new(), level);
            e.write_all(input).map_err(data_error)?;
            out = e.finish().map_err(data_error)?;
        }
        "inflate" => {
            flate2::read::ZlibDecoder::new(input)
                .read_to_end(&mut out)
                .map_err(data_error)?;
        }
        "inflateraw" => {
            flate2::read::DeflateDecoder::new(input)
                .read_to_end(&mut out)
                .map_err(data_error)?;
        }
        "gunzip" => {
            flate2::read::MultiGzDecoder::new(input)
                .read_to_end(&mut out)
                .map_err(data_error)?;
        }
        "unzip" => {
            if input.starts_with(&[0x1f, 0x8b]) {
                return zlib("gunzip", input, -1);
            }
            return zlib("inflate", input, -1);
        }
        _ => return Err(("ERR_INVALID_ARG_VALUE", format!("unknown zlib mode {mode}"))),
    }
    Ok(out)
}

/// The hash functions the model offers, by Node's (OpenSSL's) names.
#[derive(Clone, Copy)]
enum Alg {
    Sha224,
    Sha256,
    Sha384,
    Sha512,
}

impl Alg {
    fn parse(name: &str) -> Option<Alg> {
        match name.to_ascii_lowercase().replace('-', "").as_str() {
            "sha224" => Some(Alg::Sha224),
            "sha256" => Some(Alg::Sha256),
            "sha384" => Some(Alg::Sha384),
            "sha512" => Some(Alg::Sha512),
            _ => None,
        }
    }

    fn block(self) -> usize {
        match self {
            Alg::Sha224 | Alg::Sha256 => 64,
            Alg::Sha384 | Alg::Sha512 => 128,
        }
    }

    fn digest(self, parts: &[&[u8]]) -> Vec<u8> {
        fn run<D: Digest>(parts: &[&[u8]]) -> Vec<u8> {
            let mut d = D::new();
            for p in parts {
                d.update(p);
            }
            d.finalize().to_vec()
        }
        match self {
            Alg::Sha224 => run::<sha2::Sha224>(parts),
            Alg::Sha256 => run::<sha2::Sha256>(parts),
            Alg::Sha384 => run::<sha2::Sha384>(parts),
            Alg::Sha512 => run::<sha2::Sha512>(parts),
        }
    }

    /// HMAC (RFC 2104).
    fn hmac(self, key: &[u8], msg: &[&[u8]]) -> Vec<u8> {
        let b = self.block();
        let mut k = if key.len() > b {
            self.digest(&[key])
        } else {
            key.to_vec()
        };
        k.resize(b, 0);
        let ipad: Vec<u8> = k.iter().map(|x| x ^ 0x36).collect();
        let opad: Vec<u8> = k.iter().map(|x| x ^ 0x5c).collect();
        let mut inner_parts: Vec<&[u8]> = vec![&ipad];
        inner_parts.extend_from_slice(msg);
        let inner = self.digest(&inner_parts);
        self.digest(&[&opad, &inner])
    }

    /// PBKDF2 with HMAC of this hash (RFC 8018).
    fn pbkdf2(self, password: &[u8], salt: &[u8], iterations: u32, len: usize) -> Vec<u8> {
        let mut out = Vec::with_capacity(len);
        let mut block = 1u32;
        while out.len() < len {
            let mut u = self.hmac(password, &[salt, &block.to_be_bytes()]);
            let mut t = u.clone();
            for _ in 1..iterations {
                u = self.hmac(password, &[&u]);
                for (a, b) in t.iter_mut().zip(&u) {
                    *a ^= b;
                }
            }
            out.extend_from_slice(&t);
            block += 1;
        }
        out.truncate(len);
        out
    }
}

/// scrypt (RFC 7914): PBKDF2-HMAC-SHA256 around ROMix of BlockMix of Salsa20/8.
fn scrypt(password: &[u8], salt: &[u8], n: usize, r: usize, p: usize, len: usize) -> Vec<u8> {
    fn salsa20_8(b: &mut [u32; 16]) {
        let mut x = *b;
        for _ in 0..4 {
            let qr = |x: &mut [u32; 16], a: usize, b: usize, c: usize, d: usize| {
                x[b] ^= x[a].wrapping_add(x[d]).rotate_left(7);
                x[c] ^= x[b].wrapping_add(x[a]).rotate_left(9);
                x[d] ^= x[c].wrapping_add(x[b]).rotate_left(13);
                x[a] ^= x[d].wrapping_add(x[c]).rotate_left(18);
            };
            qr(&mut x, 0, 4, 8, 12);
            qr(&mut x, 5, 9, 13, 1);
            qr(&mut x, 10, 14, 2, 6);
            qr(&mut x, 15, 3, 7, 11);
            qr(&mut x, 0, 1, 2, 3);
            qr(&mut x, 5, 6, 7, 4);
            qr(&mut x, 10, 11, 8, 9);
            qr(&mut x, 15, 12, 13, 14);
        }
        for i in 0..16 {
            b[i] = b[i].wrapping_add(x[i]);
        }
    }
    // BlockMix over 2r 64-byte blocks, as words.
    fn block_mix(b: &[u32], r: usize) -> Vec<u32> {
        let mut x: [u32; 16] = b[(2 * r - 1) * 16..2 * r * 16]
            .try_into()
            .unwrap_or([0; 16]);
        let mut y = vec![0u32; 32 * r];
        for i in 0..2 * r {
            for j in 0..16 {
                x[j] ^= b[i * 16 + j];
            }
            salsa20_8(&mut x);
            let dest = if i % 2 == 0 { i / 2 } else { r + i / 2 };
            y[dest * 16..dest * 16 + 16].copy_from_slice(&x);
        }
        y
    }
    let words = 32 * r;
    let b = Alg::Sha256.pbkdf2(password, salt, 1, p * 128 * r);
    let mut out_b = Vec::with_capacity(b.len());
    for chunk in b.chunks(128 * r) {
        let mut x: Vec<u32> = chunk
            .chunks(4)
            .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect();
        let mut v = Vec::with_capacity(n * words);
        for _ in 0..n {
            v.extend_from_slice(&x);
            x = block_mix(&x, r);
        }
        for _ in 0..n {
            let j = (x[(2 * r - 1) * 16] as usize) & (n - 1);
            for k in 0..words {
                x[k] ^= v[j * words + k];
            }
            x = block_mix(&x, r);
        }
        for w in x {
            out_b.extend_from_slice(&w.to_le_bytes());
        }
    }
    Alg::Sha256.pbkdf2(password, &out_b, 1, len)
}

/// Add the native functions to the host object.
pub fn install<'js>(ctx: &Ctx<'js>, host: &Object<'js>) -> rquickjs::Result<()> {
    host.set(
        "zlibProcess",
        Function::new(ctx.clone(), |ctx: Ctx<'js>, args: Rest<Value<'js>>| {
            let mode = str_arg(&args, 0).to_ascii_lowercase();
            let input = bytes_arg(&args, 1);
            let level = args
                .0
                .get(2)
                .and_then(|v| v.as_number())
                .map(|n| n as i32)
                .unwrap_or(-1);
            match zlib(&mode, &input, level) {
                Ok(out) => TypedArray::<u8>::new(ctx.clone(), out),
                Err((code, msg)) => throw(&ctx, code, &msg),
            }
        })?,
    )?;

    host.set(
        "hashDigest",
        Function::new(ctx.clone(), |ctx: Ctx<'js>, args: Rest<Value<'js>>| {
            let Some(alg) = Alg::parse(&str_arg(&args, 0)) else {
                return throw(&ctx, "ERR_CRYPTO_INVALID_DIGEST", "Invalid digest");
            };
            TypedArray::<u8>::new(ctx.clone(), alg.digest(&[&bytes_arg(&args, 1)]))
        })?,
    )?;

    host.set(
        "hmacDigest",
        Function::new(ctx.clone(), |ctx: Ctx<'js>, args: Rest<Value<'js>>| {
            let Some(alg) = Alg::parse(&str_arg(&args, 0)) else {
                return throw(&ctx, "ERR_CRYPTO_INVALID_DIGEST", "Invalid digest");
            };
            let out = alg.hmac(&bytes_arg(&args, 1), &[&bytes_arg(&args, 2)]);
            TypedArray::<u8>::new(ctx.clone(), out)
        })?,
    )?;

    host.set(
        "pbkdf2",
        Function::new(ctx.clone(), |ctx: Ctx<'js>, args: Rest<Value<'js>>| {
            let Some(alg) = Alg::parse(&str_arg(&args, 4)) else {
                return throw(&ctx, "ERR_CRYPTO_INVALID_DIGEST", "Invalid digest");
            };
            let out = alg.pbkdf2(
                &bytes_arg(&args, 0),
                &bytes_arg(&args, 1),
                num_arg(&args, 2).max(1.0) as u32,
                num_arg(&args, 3).max(0.0) as usize,
            );
            TypedArray::<u8>::new(ctx.clone(), out)
        })?,
    )?;

    host.set(
        "scrypt",
        Function::new(ctx.clone(), |ctx: Ctx<'js>, args: Rest<Value<'js>>| {
            let n = num_arg(&args, 3) as usize;
            let r = num_arg(&args, 4) as usize;
            let p = num_arg(&args, 5) as usize;
            if n < 2 || !n.is_power_of_two() || r == 0 || p == 0 || n * r > 1 << 22 {
                return throw(
                    &ctx,
                    "ERR_CRYPTO_INVALID_SCRYPT_PARAMS",
                    "Invalid scrypt params",
                );
            }
            let out = scrypt(
                &bytes_arg(&args, 0),
                &bytes_arg(&args, 1),
                n,
                r,
                p,
                num_arg(&args, 2).max(0.0) as usize,
            );
            TypedArray::<u8>::new(ctx.clone(), out)
        })?,
    )?;

    host.set(
        "randomBytes",
        Function::new(ctx.clone(), |ctx: Ctx<'js>, n: f64| {
            let mut out = vec![0u8; n.max(0.0) as usize];
            let ok = std::fs::File::open("/dev/urandom")
                .and_then(|mut f| f.read_exact(&mut out))
                .is_ok();
            if !ok {
                return throw(&ctx, "ERR_OPERATION_FAILED", "no random source");
            }
            TypedArray::<u8>::new(ctx.clone(), out)
        })?,
    )?;

    Ok(())
}
