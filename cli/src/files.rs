//! Output files written whole or not at all, and the text formats the commands exchange
//! (instances as JSON, call data as hex).

use std::fs;
use std::io::Write;
use std::path::Path;

use ff::PrimeField;
use rebuttal_prover::arith::Fr;

/// Writes `bytes` to `path` through a temporary file in the same directory and a rename, so
/// that a failure never leaves a half-written file under `path`.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), String> {
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let name = path.file_name().ok_or_else(|| format!("{}: not a file path", path.display()))?;
    let tmp = dir.join(format!(".{}.tmp-{}", name.to_string_lossy(), std::process::id()));
    let result = (|| {
        let mut f = fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        fs::rename(&tmp, path)
    })();
    if let Err(e) = result {
        let _ = fs::remove_file(&tmp);
        return Err(format!("writing {}: {e}", path.display()));
    }
    Ok(())
}

/// Reads a whole file, naming it in the error.
pub fn read(path: &Path) -> Result<Vec<u8>, String> {
    fs::read(path).map_err(|e| format!("reading {}: {e}", path.display()))
}

/// Instances as JSON: one array per instance column, each value a `0x`-prefixed 32-byte
/// big-endian hex string.
pub fn instances_to_json(instances: &[Vec<Fr>]) -> String {
    let columns: Vec<Vec<String>> = instances.iter().map(|col| col.iter().map(fr_to_hex).collect()).collect();
    serde_json::to_string_pretty(&columns).expect("strings serialise")
}

/// Parses [`instances_to_json`]'s format; every value must be a canonical field element.
pub fn instances_from_json(text: &str, what: &Path) -> Result<Vec<Vec<Fr>>, String> {
    let columns: Vec<Vec<String>> = serde_json::from_str(text)
        .map_err(|e| format!("{}: expected a JSON array of arrays of hex strings: {e}", what.display()))?;
    columns
        .iter()
        .enumerate()
        .map(|(c, col)| {
            col.iter()
                .enumerate()
                .map(|(i, s)| {
                    fr_from_hex(s).map_err(|e| format!("{}: instance column {c}, value {i}: {e}", what.display()))
                })
                .collect()
        })
        .collect()
}

fn fr_to_hex(v: &Fr) -> String {
    let mut be = v.to_repr().as_ref().to_vec();
    be.reverse();
    format!("0x{}", hex(&be))
}

fn fr_from_hex(s: &str) -> Result<Fr, String> {
    let digits = s.strip_prefix("0x").ok_or_else(|| format!("{s:?} does not start with 0x"))?;
    if digits.len() != 64 {
        return Err(format!("{s:?} is not 32 bytes of hex"));
    }
    let mut le = [0u8; 32];
    for (i, slot) in le.iter_mut().enumerate() {
        let at = 62 - 2 * i;
        *slot = u8::from_str_radix(&digits[at..at + 2], 16).map_err(|_| format!("{s:?} is not hex"))?;
    }
    let mut repr = <Fr as PrimeField>::Repr::default();
    repr.as_mut().copy_from_slice(&le);
    Option::from(Fr::from_repr(repr)).ok_or_else(|| format!("{s:?} is not below the scalar field modulus"))
}

/// Lower-case hex without prefix.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instances_round_trip_and_reject_bad_values() {
        let inst = vec![vec![Fr::from(5u64), -Fr::from(1u64)], vec![]];
        let json = instances_to_json(&inst);
        assert_eq!(instances_from_json(&json, Path::new("x")).unwrap(), inst);
        let modulus = "[[\"0x30644e72e131a029b85045b68181585d2833e84879b9709143e1f593f0000001\"]]";
        assert!(instances_from_json(modulus, Path::new("x")).unwrap_err().contains("modulus"));
        assert!(instances_from_json("[[\"0x01\"]]", Path::new("x")).unwrap_err().contains("32 bytes"));
        assert!(instances_from_json("{}", Path::new("x")).is_err());
    }

    #[test]
    fn atomic_write_leaves_no_temporary() {
        let dir = std::env::temp_dir().join(format!("rebuttal-cli-files-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let path = dir.join("out.bin");
        write_atomic(&path, b"abc").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"abc");
        assert_eq!(fs::read_dir(&dir).unwrap().count(), 1);
        assert!(write_atomic(&dir.join("missing").join("x"), b"abc").is_err());
        fs::remove_dir_all(&dir).unwrap();
    }
}
