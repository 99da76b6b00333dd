;; Where keywords end in bytes: the keyword automaton's table walked in WebAssembly
;; (keyword-hits.ts lays out the memory and embeds this module compiled by `wat2wasm`).
;;
;; Memory (the module's own): bytes 0-255 hold each byte's column in a row (its character class × 4);
;; a state is the address of its row of i32 entries, each the address of the next state's row, plus
;; 1 where keywords end in that state.
(module
  (import "env" "memory" (memory 1 65536))

  ;; One walk from `state` over the bytes [from, to): for each byte after which keywords end, its
  ;; offset (from `from`) and the state entered are stored at `out` as two i32. The final state is
  ;; stored at 256; returns the address past the last pair stored.
  (func (export "hits") (param $state i32) (param $from i32) (param $to i32) (param $out i32) (result i32)
    (local $at i32)
    (local.set $at (local.get $from))
    (block $done
      (br_if $done (i32.ge_u (local.get $at) (local.get $to)))
      (loop $next
        (local.set $state (i32.load (i32.add (i32.and (local.get $state) (i32.const -2)) (i32.load8_u (i32.load8_u (local.get $at))))))
        (if (i32.and (local.get $state) (i32.const 1))
          (then
            (i32.store (local.get $out) (i32.sub (local.get $at) (local.get $from)))
            (i32.store offset=4 (local.get $out) (local.get $state))
            (local.set $out (i32.add (local.get $out) (i32.const 8)))))
        (local.set $at (i32.add (local.get $at) (i32.const 1)))
        (br_if $next (i32.lt_u (local.get $at) (local.get $to)))))
    (i32.store (i32.const 256) (local.get $state))
    (local.get $out)))
