;; Whether a keyword occurs in bytes: the keyword automaton's table walked in WebAssembly
;; (keyword-presence.ts lays out the memory and embeds this module compiled by `wat2wasm`).
;;
;; Memory (shared, given by the caller: it may also hold the ring a layer is decompressed into, walked
;; in place): bytes 0-255 hold each byte's column in a row (its character class × 4); a state is the
;; address of its row of i32 entries, each the address of the next state's row. Entering a state where
;; a keyword ends leads to a sink row that leads only to itself, so a walk needs no test per byte:
;; a keyword occurred when the final state is the sink.
(module
  (import "env" "memory" (memory 1 65536 shared))

  ;; Four walks from `start`, over the `stride` bytes from `base`, `base + stride`, `base + 2 × stride`
  ;; and `base + 3 × stride`, interleaved so that their dependent loads overlap. Final states at
  ;; 256, 260, 264 and 268.
  (func (export "walk4") (param $base i32) (param $stride i32) (param $start i32)
    (local $s0 i32) (local $s1 i32) (local $s2 i32) (local $s3 i32)
    (local $p0 i32) (local $p1 i32) (local $p2 i32) (local $p3 i32) (local $end i32)
    (local.set $s0 (local.get $start))
    (local.set $s1 (local.get $start))
    (local.set $s2 (local.get $start))
    (local.set $s3 (local.get $start))
    (local.set $p0 (local.get $base))
    (local.set $p1 (i32.add (local.get $p0) (local.get $stride)))
    (local.set $p2 (i32.add (local.get $p1) (local.get $stride)))
    (local.set $p3 (i32.add (local.get $p2) (local.get $stride)))
    (local.set $end (local.get $p1))
    (block $done
      (br_if $done (i32.ge_u (local.get $p0) (local.get $end)))
      (loop $next
        (local.set $s0 (i32.load (i32.add (local.get $s0) (i32.load8_u (i32.load8_u (local.get $p0))))))
        (local.set $s1 (i32.load (i32.add (local.get $s1) (i32.load8_u (i32.load8_u (local.get $p1))))))
        (local.set $s2 (i32.load (i32.add (local.get $s2) (i32.load8_u (i32.load8_u (local.get $p2))))))
        (local.set $s3 (i32.load (i32.add (local.get $s3) (i32.load8_u (i32.load8_u (local.get $p3))))))
        (local.set $p0 (i32.add (local.get $p0) (i32.const 1)))
        (local.set $p1 (i32.add (local.get $p1) (i32.const 1)))
        (local.set $p2 (i32.add (local.get $p2) (i32.const 1)))
        (local.set $p3 (i32.add (local.get $p3) (i32.const 1)))
        (br_if $next (i32.lt_u (local.get $p0) (local.get $end)))))
    (i32.store (i32.const 256) (local.get $s0))
    (i32.store (i32.const 260) (local.get $s1))
    (i32.store (i32.const 264) (local.get $s2))
    (i32.store (i32.const 268) (local.get $s3)))

  ;; One walk from `state` over the bytes [from, to): its final state.
  (func (export "walk") (param $state i32) (param $from i32) (param $to i32) (result i32)
    (block $done
      (br_if $done (i32.ge_u (local.get $from) (local.get $to)))
      (loop $next
        (local.set $state (i32.load (i32.add (local.get $state) (i32.load8_u (i32.load8_u (local.get $from))))))
        (local.set $from (i32.add (local.get $from) (i32.const 1)))
        (br_if $next (i32.lt_u (local.get $from) (local.get $to)))))
    (local.get $state)))
