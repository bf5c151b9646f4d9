;; The W = 32 PRBS LFSR, 32 steps at a time, with 128-bit SIMD (src/stream/lfsr.ts loads it).
;;
;; A step shifts the 32-bit state s left one bit; the feedback bit (XOR of the tap bits)
;; enters at bit 0; the new state is emitted. The step is linear over GF(2), so the state
;; after 32 steps, b (the 32 bits that entered, oldest at bit 31), is the XOR of four table
;; entries, one per byte of s. The 32 states emitted meanwhile are, for k = 0..31,
;;   (s << (k + 1)) | (b >>> (31 - k))
;; four at a time: lanes l = 0..3 of group g (k = 4g + l) are
;;   (d << 4g) | (e >>> (28 - 4g)),  d = [s << 1, s << 2, s << 3, s << 4],  e = [b >>> 3, b >>> 2, b >>> 1, b]
;; (a 32-bit lane shifted by 32 is 0: lane 3 of group 7 is b alone).
;;
;; Memory (one page, exported): bytes 0..4095 the tables (table j at 1024 j, u32 entry v: the
;; 32 bits byte j = v of the state feeds in), then whatever the caller fills.
;; Rebuild src/stream/lfsr32Wasm.ts after a change: node tools/wasm/build.js
(module
  (memory (export "memory") 1 1)
  ;; Writes 32 * blocks u32 words at $out: the states after 1, 2, ... steps from $s.
  ;; Returns the last state written ($s when blocks is 0).
  (func (export "fill") (param $out i32) (param $blocks i32) (param $s i32) (result i32)
    (local $b i32) (local $d v128) (local $e v128)
    (block $done
      (loop $block
        (br_if $done (i32.eqz (local.get $blocks)))
        (local.set $b
          (i32.xor
            (i32.xor
              (i32.load (i32.shl (i32.and (local.get $s) (i32.const 255)) (i32.const 2)))
              (i32.load offset=1024 (i32.shl (i32.and (i32.shr_u (local.get $s) (i32.const 8)) (i32.const 255)) (i32.const 2))))
            (i32.xor
              (i32.load offset=2048 (i32.shl (i32.and (i32.shr_u (local.get $s) (i32.const 16)) (i32.const 255)) (i32.const 2)))
              (i32.load offset=3072 (i32.shl (i32.shr_u (local.get $s) (i32.const 24)) (i32.const 2))))))
        (local.set $d (i32x4.mul (i32x4.splat (local.get $s)) (v128.const i32x4 2 4 8 16)))
        (local.set $e
          (i32x4.replace_lane 3
            (i32x4.replace_lane 2
              (i32x4.replace_lane 1
                (i32x4.splat (i32.shr_u (local.get $b) (i32.const 3)))
                (i32.shr_u (local.get $b) (i32.const 2)))
              (i32.shr_u (local.get $b) (i32.const 1)))
            (local.get $b)))
        (v128.store offset=0 (local.get $out)
          (v128.or (i32x4.shl (local.get $d) (i32.const 0)) (i32x4.shr_u (local.get $e) (i32.const 28))))
        (v128.store offset=16 (local.get $out)
          (v128.or (i32x4.shl (local.get $d) (i32.const 4)) (i32x4.shr_u (local.get $e) (i32.const 24))))
        (v128.store offset=32 (local.get $out)
          (v128.or (i32x4.shl (local.get $d) (i32.const 8)) (i32x4.shr_u (local.get $e) (i32.const 20))))
        (v128.store offset=48 (local.get $out)
          (v128.or (i32x4.shl (local.get $d) (i32.const 12)) (i32x4.shr_u (local.get $e) (i32.const 16))))
        (v128.store offset=64 (local.get $out)
          (v128.or (i32x4.shl (local.get $d) (i32.const 16)) (i32x4.shr_u (local.get $e) (i32.const 12))))
        (v128.store offset=80 (local.get $out)
          (v128.or (i32x4.shl (local.get $d) (i32.const 20)) (i32x4.shr_u (local.get $e) (i32.const 8))))
        (v128.store offset=96 (local.get $out)
          (v128.or (i32x4.shl (local.get $d) (i32.const 24)) (i32x4.shr_u (local.get $e) (i32.const 4))))
        (v128.store offset=112 (local.get $out)
          (v128.or (i32x4.shl (local.get $d) (i32.const 28)) (i32x4.shr_u (local.get $e) (i32.const 0))))
        (local.set $s (local.get $b))
        (local.set $out (i32.add (local.get $out) (i32.const 128)))
        (local.set $blocks (i32.sub (local.get $blocks) (i32.const 1)))
        (br $block)))
    (local.get $s))
)
