;; Single-precision GEMM with WebAssembly SIMD (f32x4):
;;
;;     C = op(A) · op(B) + (accumulate ? C : 0)      op(A) is M×K, op(B) is K×N, all row-major
;;
;; Pointers and strides arrive as float32 indices into the imported memory (the network's
;; heap); they are turned into byte addresses once, on entry.
;;
;; Why it is shaped like this (the classic Goto/BLIS layering):
;;
;;  * Micro-kernel: a 4×8 tile of C lives in eight f32x4 registers for the whole K loop, so C
;;    is read and written once per tile rather than once per multiply-add. Each step of k
;;    loads 2 vectors of B and broadcasts 4 scalars of A for 8 multiplies and 8 adds: 64 flops
;;    for 6 loads. 4×8 keeps 8 accumulators + 2 B vectors + 1 broadcast within the 16 SIMD
;;    registers of x86-64, so V8 never spills inside the loop.
;;
;;  * Packing: before multiplying, a block of op(A) is copied into "slivers" of 4 rows stored
;;    k-major ([k][4]) and a panel of op(B) into slivers of 8 columns ([k][8]). The
;;    micro-kernel then reads both operands strictly sequentially whatever the transposes
;;    and strides were; the four transpose cases differ only in how the packers gather.
;;    Slivers are zero-padded to full width, so edge tiles run the same inner loop; only the
;;    final write of an edge tile is narrowed to the valid rows and columns. Packing costs
;;    O(MK + KN) against O(MNK) for the multiply.
;;
;;  * Cache blocking: K is cut into blocks of at most KC so that one B sliver (KC×8 floats =
;;    8 KiB) stays in L1 while it is swept down all the A slivers of a block; an A block
;;    (MC×KC = 128 KiB) stays in L2 while it is swept across the B panel; a B panel
;;    (KC×NC = 256 KiB) is reused by every A block. Blocks are balanced (K=800 becomes
;;    4×200, not 3×256+32) so that no call ends with a sliver of a block.
;;    The K blocks after the first add into C, which is how `accumulate` and K > KC combine.
;;
;;  * Fused multiply-adds: where the runtime accepts relaxed SIMD, wasm.ts rewrites the eight
;;    `(f32x4.add (local.get $cIJ) (f32x4.mul (local.get $av) (local.get $bJ)))` steps of the
;;    micro-kernel into f32x4.relaxed_madd before compiling (~40% faster here); keep that
;;    exact spelling when editing the micro-kernel (a test counts the rewrites).
;;
;;  * Small M: with at most DIRECT_M rows of C, untransposed B is read in place rather than
;;    packed (packing B would cost as much as the multiply for a batch of 10).
;;
;; The caller provides scratch of `scratch_floats()` floats (16-byte aligned) for the packed
;; A block, the packed B panel and one spilled 4×8 tile. The sizes are fixed, so the heap
;; never has to grow during a call.
(module
  (import "env" "memory" (memory 0))

  ;; Block sizes in floats; MC is a multiple of 4 and NC of 8 (the micro-tile).
  (global $KC i32 (i32.const 256))
  (global $MC i32 (i32.const 128))
  (global $NC i32 (i32.const 256))
  ;; C with at most this many rows reads untransposed B in place (see gemm).
  (global $DIRECT_M i32 (i32.const 16))

  (func (export "scratch_floats") (result i32)
    (i32.add
      (i32.add
        (i32.mul (global.get $MC) (global.get $KC))    ;; packed A block
        (i32.mul (global.get $KC) (global.get $NC)))   ;; packed B panel
      (i32.const 32)))                                 ;; one 4×8 tile

  (func $min (param $x i32) (param $y i32) (result i32)
    (select (local.get $x) (local.get $y) (i32.lt_u (local.get $x) (local.get $y))))

  ;; Length of the blocks `total` is cut into: as equal as possible, at most `max`, rounded up
  ;; to a multiple of `align` (a power of two dividing `max`).
  (func $block (param $total i32) (param $max i32) (param $align i32) (result i32)
    (local $count i32)
    (local.set $count
      (i32.div_u (i32.add (local.get $total) (i32.sub (local.get $max) (i32.const 1))) (local.get $max)))
    (i32.and
      (i32.add
        (i32.div_u (i32.add (local.get $total) (i32.sub (local.get $count) (i32.const 1))) (local.get $count))
        (i32.sub (local.get $align) (i32.const 1)))
      (i32.sub (i32.const 0) (local.get $align))))

  (func (export "gemm")
    (param $transA i32) (param $transB i32)
    (param $M i32) (param $N i32) (param $K i32)
    (param $a i32) (param $lda i32)
    (param $b i32) (param $ldb i32)
    (param $c i32) (param $ldc i32)
    (param $accumulate i32) (param $scratch i32)
    (local $packA i32) (local $packB i32) (local $tile i32)
    (local $kstep i32) (local $mstep i32) (local $nstep i32)
    (local $jc i32) (local $pc i32) (local $ic i32)
    (local $nc i32) (local $kc i32) (local $mc i32)
    ;; Element steps (bytes) of op(A) along i and k, and of op(B) along k and j.
    (local $aI i32) (local $aK i32) (local $bK i32) (local $bJ i32)
    ;; Small-M path: op(B)'s block read in place (byte address, or 0 when B is packed).
    (local $direct i32) (local $bd i32) (local $edge i32)

    (if (i32.or (i32.eqz (local.get $M)) (i32.or (i32.eqz (local.get $N)) (i32.eqz (local.get $K))))
      (then (return)))

    ;; float indices → byte addresses
    (local.set $a (i32.shl (local.get $a) (i32.const 2)))
    (local.set $b (i32.shl (local.get $b) (i32.const 2)))
    (local.set $c (i32.shl (local.get $c) (i32.const 2)))
    (local.set $lda (i32.shl (local.get $lda) (i32.const 2)))
    (local.set $ldb (i32.shl (local.get $ldb) (i32.const 2)))
    (local.set $ldc (i32.shl (local.get $ldc) (i32.const 2)))
    (local.set $packA (i32.shl (local.get $scratch) (i32.const 2)))
    (local.set $packB (i32.add (local.get $packA)
      (i32.shl (i32.mul (global.get $MC) (global.get $KC)) (i32.const 2))))
    (local.set $tile (i32.add (local.get $packB)
      (i32.shl (i32.mul (global.get $KC) (global.get $NC)) (i32.const 2))))

    ;; A transposed is stored K×M: stepping i moves one float, stepping k moves one row.
    (if (local.get $transA)
      (then (local.set $aI (i32.const 4)) (local.set $aK (local.get $lda)))
      (else (local.set $aI (local.get $lda)) (local.set $aK (i32.const 4))))
    (if (local.get $transB)
      (then (local.set $bK (i32.const 4)) (local.set $bJ (local.get $ldb)))
      (else (local.set $bK (local.get $ldb)) (local.set $bJ (i32.const 4))))

    (local.set $kstep (call $block (local.get $K) (global.get $KC) (i32.const 1)))
    (local.set $mstep (call $block (local.get $M) (global.get $MC) (i32.const 4)))
    (local.set $nstep (call $block (local.get $N) (global.get $NC) (i32.const 8)))
    ;; With few rows of C each B sliver is used by only a few A slivers, so copying B into
    ;; packed slivers costs as much as the multiply (M = 10: one copy per 5 multiply-adds).
    ;; Untransposed B already holds 8 adjacent columns per k, one row stride apart: the
    ;; micro-kernel reads full slivers in place and only the narrow edge sliver is packed.
    (local.set $direct (i32.and (i32.eqz (local.get $transB)) (i32.le_u (local.get $M) (global.get $DIRECT_M))))

    ;; for each panel of NC columns of C
    (local.set $jc (i32.const 0))
    (loop $panels
      (local.set $nc (call $min (local.get $nstep) (i32.sub (local.get $N) (local.get $jc))))
      ;; for each block of KC along K
      (local.set $pc (i32.const 0))
      (loop $kblocks
        (local.set $kc (call $min (local.get $kstep) (i32.sub (local.get $K) (local.get $pc))))
        (local.set $bd (i32.add (local.get $b)
          (i32.add (i32.mul (local.get $pc) (local.get $bK)) (i32.mul (local.get $jc) (local.get $bJ)))))
        (if (local.get $direct)
          (then
            ;; only the edge sliver (columns nc & ~7 ..) is packed, at its usual place
            (local.set $edge (i32.and (local.get $nc) (i32.const -8)))
            (if (i32.lt_u (local.get $edge) (local.get $nc))
              (then
                (call $pack_sliver
                  (i32.add (local.get $bd) (i32.shl (local.get $edge) (i32.const 2)))
                  (local.get $bK) (i32.const 4) (local.get $kc)
                  (i32.sub (local.get $nc) (local.get $edge)) (i32.const 8)
                  (i32.add (local.get $packB) (i32.shl (i32.mul (local.get $edge) (local.get $kc)) (i32.const 2)))))))
          (else
            ;; op(B)[pc.., jc..] → slivers of 8 columns
            (call $pack (local.get $bd)
              (local.get $bK) (local.get $bJ) (local.get $kc) (local.get $nc) (i32.const 8) (local.get $packB))
            (local.set $bd (i32.const 0))))
        ;; for each block of MC rows
        (local.set $ic (i32.const 0))
        (loop $mblocks
          (local.set $mc (call $min (local.get $mstep) (i32.sub (local.get $M) (local.get $ic))))
          ;; op(A)[ic.., pc..] → slivers of 4 rows
          (call $pack
            (i32.add (local.get $a)
              (i32.add (i32.mul (local.get $ic) (local.get $aI)) (i32.mul (local.get $pc) (local.get $aK))))
            (local.get $aK) (local.get $aI) (local.get $kc) (local.get $mc) (i32.const 4) (local.get $packA))
          (call $macro
            (local.get $mc) (local.get $nc) (local.get $kc)
            (local.get $packA) (local.get $packB) (local.get $bd) (local.get $ldb)
            (i32.add (local.get $c)
              (i32.add (i32.mul (local.get $ic) (local.get $ldc)) (i32.shl (local.get $jc) (i32.const 2))))
            (local.get $ldc)
            ;; the first K block overwrites C unless accumulating; later ones add to it
            (i32.and (i32.eqz (local.get $pc)) (i32.eqz (local.get $accumulate)))
            (local.get $tile))
          (local.set $ic (i32.add (local.get $ic) (local.get $mc)))
          (br_if $mblocks (i32.lt_u (local.get $ic) (local.get $M))))
        (local.set $pc (i32.add (local.get $pc) (local.get $kc)))
        (br_if $kblocks (i32.lt_u (local.get $pc) (local.get $K))))
      (local.set $jc (i32.add (local.get $jc) (local.get $nc)))
      (br_if $panels (i32.lt_u (local.get $jc) (local.get $N)))))

  ;; Copies a kc × n block (element (k, j) at src + k*sk + j*sj, byte steps) into slivers of
  ;; width w (4 or 8): sliver s holds columns s*w.. as [k][w], zero-padded past n.
  (func $pack
    (param $src i32) (param $sk i32) (param $sj i32)
    (param $kc i32) (param $n i32) (param $w i32) (param $dst i32)
    (local $j i32) (local $nr i32)
    (local.set $j (i32.const 0))
    (loop $slivers
      (local.set $nr (call $min (local.get $w) (i32.sub (local.get $n) (local.get $j))))
      (call $pack_sliver
        (i32.add (local.get $src) (i32.mul (local.get $j) (local.get $sj)))
        (local.get $sk) (local.get $sj) (local.get $kc) (local.get $nr) (local.get $w)
        ;; sliver j/w starts after j/w slivers of kc*w floats: j*kc floats
        (i32.add (local.get $dst) (i32.shl (i32.mul (local.get $j) (local.get $kc)) (i32.const 2))))
      (local.set $j (i32.add (local.get $j) (local.get $w)))
      (br_if $slivers (i32.lt_u (local.get $j) (local.get $n)))))

  ;; One sliver: dst[k*w + j] = j < nr ? src(k, j) : 0, for k < kc.
  (func $pack_sliver
    (param $src i32) (param $sk i32) (param $sj i32)
    (param $kc i32) (param $nr i32) (param $w i32) (param $dst i32)
    (local $k i32) (local $j i32) (local $p i32) (local $row i32)
    (local $r0 v128) (local $r1 v128) (local $r2 v128) (local $r3 v128)
    (local $t0 v128) (local $t1 v128) (local $t2 v128) (local $t3 v128)
    (local.set $row (i32.shl (local.get $w) (i32.const 2)))   ;; bytes per packed k

    (if (i32.eq (local.get $nr) (local.get $w))
      (then
        ;; Full sliver whose columns are adjacent in memory (B as stored, or Aᵀ as stored):
        ;; each k is one or two straight vector copies.
        (if (i32.eq (local.get $sj) (i32.const 4))
          (then
            (local.set $k (local.get $kc))
            (if (i32.eq (local.get $w) (i32.const 8))
              (then
                (loop $copy8
                  (v128.store (local.get $dst) (v128.load (local.get $src)))
                  (v128.store offset=16 (local.get $dst) (v128.load offset=16 (local.get $src)))
                  (local.set $src (i32.add (local.get $src) (local.get $sk)))
                  (local.set $dst (i32.add (local.get $dst) (i32.const 32)))
                  (br_if $copy8 (local.tee $k (i32.sub (local.get $k) (i32.const 1))))))
              (else
                (loop $copy4
                  (v128.store (local.get $dst) (v128.load (local.get $src)))
                  (local.set $src (i32.add (local.get $src) (local.get $sk)))
                  (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
                  (br_if $copy4 (local.tee $k (i32.sub (local.get $k) (i32.const 1)))))))
            (return)))
        ;; Full sliver whose columns are rows in memory, contiguous along k (A as stored, or
        ;; Bᵀ as stored): transpose 4×4 blocks with shuffles, then finish the k % 4 tail below.
        (if (i32.eq (local.get $sk) (i32.const 4))
          (then
            (block $done
              (loop $kquads
                (br_if $done (i32.gt_u (i32.add (local.get $k) (i32.const 4)) (local.get $kc)))
                (local.set $j (i32.const 0))
                (loop $jquads
                  ;; r_n = columns j+n at k..k+3
                  (local.set $p (i32.add (local.get $src)
                    (i32.add (i32.mul (local.get $j) (local.get $sj)) (i32.shl (local.get $k) (i32.const 2)))))
                  (local.set $r0 (v128.load (local.get $p)))
                  (local.set $p (i32.add (local.get $p) (local.get $sj)))
                  (local.set $r1 (v128.load (local.get $p)))
                  (local.set $p (i32.add (local.get $p) (local.get $sj)))
                  (local.set $r2 (v128.load (local.get $p)))
                  (local.set $p (i32.add (local.get $p) (local.get $sj)))
                  (local.set $r3 (v128.load (local.get $p)))
                  ;; t0 = r0[0] r1[0] r0[1] r1[1]   t1 = r0[2] r1[2] r0[3] r1[3]   (t2, t3 likewise)
                  (local.set $t0 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $r0) (local.get $r1)))
                  (local.set $t1 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $r0) (local.get $r1)))
                  (local.set $t2 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $r2) (local.get $r3)))
                  (local.set $t3 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $r2) (local.get $r3)))
                  ;; packed row k+n, columns j..j+3 = r0[n] r1[n] r2[n] r3[n]
                  (local.set $p (i32.add (local.get $dst)
                    (i32.add (i32.mul (local.get $k) (local.get $row)) (i32.shl (local.get $j) (i32.const 2)))))
                  (v128.store (local.get $p)
                    (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t0) (local.get $t2)))
                  (local.set $p (i32.add (local.get $p) (local.get $row)))
                  (v128.store (local.get $p)
                    (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t0) (local.get $t2)))
                  (local.set $p (i32.add (local.get $p) (local.get $row)))
                  (v128.store (local.get $p)
                    (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t1) (local.get $t3)))
                  (local.set $p (i32.add (local.get $p) (local.get $row)))
                  (v128.store (local.get $p)
                    (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t1) (local.get $t3)))
                  (local.set $j (i32.add (local.get $j) (i32.const 4)))
                  (br_if $jquads (i32.lt_u (local.get $j) (local.get $w))))
                (local.set $k (i32.add (local.get $k) (i32.const 4)))
                (br $kquads)))))))

    ;; General case (edge slivers, odd strides, and the k tail left by the transposes above):
    ;; one float at a time, k from where the fast path stopped.
    (block $done
      (loop $krows
        (br_if $done (i32.ge_u (local.get $k) (local.get $kc)))
        (local.set $p (i32.add (local.get $dst) (i32.mul (local.get $k) (local.get $row))))
        (local.set $j (i32.const 0))
        (loop $cols
          (f32.store (local.get $p)
            (if (result f32) (i32.lt_u (local.get $j) (local.get $nr))
              (then (f32.load (i32.add (local.get $src)
                (i32.add (i32.mul (local.get $k) (local.get $sk)) (i32.mul (local.get $j) (local.get $sj))))))
              (else (f32.const 0))))
          (local.set $p (i32.add (local.get $p) (i32.const 4)))
          (local.set $j (i32.add (local.get $j) (i32.const 1)))
          (br_if $cols (i32.lt_u (local.get $j) (local.get $w))))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $krows))))

  ;; Sweeps the packed mc×kc A block against the packed kc×nc B panel, one 4×8 tile of C at
  ;; a time. The B sliver is the outer loop so that it stays in L1 across all A slivers.
  (func $macro
    (param $mc i32) (param $nc i32) (param $kc i32)
    (param $pa i32) (param $pb i32) (param $bd i32) (param $ldb i32) (param $c i32) (param $ldc i32)
    (param $overwrite i32) (param $tile i32)
    (local $ir i32) (local $jr i32) (local $pbj i32) (local $bstep i32)
    (local.set $jr (i32.const 0))
    (loop $jloop
      ;; B sliver jr: in place (bd ≠ 0, full width) or packed
      (if (i32.and (i32.ne (local.get $bd) (i32.const 0))
                   (i32.le_u (i32.add (local.get $jr) (i32.const 8)) (local.get $nc)))
        (then
          (local.set $pbj (i32.add (local.get $bd) (i32.shl (local.get $jr) (i32.const 2))))
          (local.set $bstep (local.get $ldb)))
        (else
          (local.set $pbj (i32.add (local.get $pb) (i32.shl (i32.mul (local.get $jr) (local.get $kc)) (i32.const 2))))
          (local.set $bstep (i32.const 32))))
      (local.set $ir (i32.const 0))
      (loop $iloop
        (call $micro
          (local.get $kc)
          (i32.add (local.get $pa) (i32.shl (i32.mul (local.get $ir) (local.get $kc)) (i32.const 2)))
          (local.get $pbj) (local.get $bstep)
          (i32.add (local.get $c)
            (i32.add (i32.mul (local.get $ir) (local.get $ldc)) (i32.shl (local.get $jr) (i32.const 2))))
          (local.get $ldc)
          (call $min (i32.const 4) (i32.sub (local.get $mc) (local.get $ir)))
          (call $min (i32.const 8) (i32.sub (local.get $nc) (local.get $jr)))
          (local.get $overwrite) (local.get $tile))
        (local.set $ir (i32.add (local.get $ir) (i32.const 4)))
        (br_if $iloop (i32.lt_u (local.get $ir) (local.get $mc))))
      (local.set $jr (i32.add (local.get $jr) (i32.const 8)))
      (br_if $jloop (i32.lt_u (local.get $jr) (local.get $nc)))))

  ;; C[0..mr, 0..nr] (=|+=) A sliver · B sliver over kc ≥ 1 steps. The full 4×8 tile is
  ;; computed even at edges (the padding is zeros); only the write is narrowed.
  (func $micro
    (param $kc i32) (param $pa i32) (param $pb i32) (param $bstep i32) (param $c i32) (param $ldc i32)
    (param $mr i32) (param $nr i32) (param $overwrite i32) (param $tile i32)
    (local $b0 v128) (local $b1 v128) (local $av v128)
    (local $c00 v128) (local $c01 v128) (local $c10 v128) (local $c11 v128)
    (local $c20 v128) (local $c21 v128) (local $c30 v128) (local $c31 v128)
    (local $r i32) (local $j i32) (local $src i32) (local $dst i32) (local $v f32)

    (loop $k
      (local.set $b0 (v128.load (local.get $pb)))
      (local.set $b1 (v128.load offset=16 (local.get $pb)))
      (local.set $av (v128.load32_splat (local.get $pa)))
      (local.set $c00 (f32x4.add (local.get $c00) (f32x4.mul (local.get $av) (local.get $b0))))
      (local.set $c01 (f32x4.add (local.get $c01) (f32x4.mul (local.get $av) (local.get $b1))))
      (local.set $av (v128.load32_splat offset=4 (local.get $pa)))
      (local.set $c10 (f32x4.add (local.get $c10) (f32x4.mul (local.get $av) (local.get $b0))))
      (local.set $c11 (f32x4.add (local.get $c11) (f32x4.mul (local.get $av) (local.get $b1))))
      (local.set $av (v128.load32_splat offset=8 (local.get $pa)))
      (local.set $c20 (f32x4.add (local.get $c20) (f32x4.mul (local.get $av) (local.get $b0))))
      (local.set $c21 (f32x4.add (local.get $c21) (f32x4.mul (local.get $av) (local.get $b1))))
      (local.set $av (v128.load32_splat offset=12 (local.get $pa)))
      (local.set $c30 (f32x4.add (local.get $c30) (f32x4.mul (local.get $av) (local.get $b0))))
      (local.set $c31 (f32x4.add (local.get $c31) (f32x4.mul (local.get $av) (local.get $b1))))
      (local.set $pa (i32.add (local.get $pa) (i32.const 16)))
      (local.set $pb (i32.add (local.get $pb) (local.get $bstep)))
      (br_if $k (local.tee $kc (i32.sub (local.get $kc) (i32.const 1)))))

    (if (i32.and (i32.eq (local.get $mr) (i32.const 4)) (i32.eq (local.get $nr) (i32.const 8)))
      (then
        (if (i32.eqz (local.get $overwrite))
          (then
            (local.set $src (local.get $c))
            (local.set $c00 (f32x4.add (local.get $c00) (v128.load (local.get $src))))
            (local.set $c01 (f32x4.add (local.get $c01) (v128.load offset=16 (local.get $src))))
            (local.set $src (i32.add (local.get $src) (local.get $ldc)))
            (local.set $c10 (f32x4.add (local.get $c10) (v128.load (local.get $src))))
            (local.set $c11 (f32x4.add (local.get $c11) (v128.load offset=16 (local.get $src))))
            (local.set $src (i32.add (local.get $src) (local.get $ldc)))
            (local.set $c20 (f32x4.add (local.get $c20) (v128.load (local.get $src))))
            (local.set $c21 (f32x4.add (local.get $c21) (v128.load offset=16 (local.get $src))))
            (local.set $src (i32.add (local.get $src) (local.get $ldc)))
            (local.set $c30 (f32x4.add (local.get $c30) (v128.load (local.get $src))))
            (local.set $c31 (f32x4.add (local.get $c31) (v128.load offset=16 (local.get $src))))))
        (v128.store (local.get $c) (local.get $c00))
        (v128.store offset=16 (local.get $c) (local.get $c01))
        (local.set $c (i32.add (local.get $c) (local.get $ldc)))
        (v128.store (local.get $c) (local.get $c10))
        (v128.store offset=16 (local.get $c) (local.get $c11))
        (local.set $c (i32.add (local.get $c) (local.get $ldc)))
        (v128.store (local.get $c) (local.get $c20))
        (v128.store offset=16 (local.get $c) (local.get $c21))
        (local.set $c (i32.add (local.get $c) (local.get $ldc)))
        (v128.store (local.get $c) (local.get $c30))
        (v128.store offset=16 (local.get $c) (local.get $c31))
        (return)))

    ;; Edge tile: spill the registers, then write only the mr×nr corner that exists.
    (v128.store offset=0 (local.get $tile) (local.get $c00))
    (v128.store offset=16 (local.get $tile) (local.get $c01))
    (v128.store offset=32 (local.get $tile) (local.get $c10))
    (v128.store offset=48 (local.get $tile) (local.get $c11))
    (v128.store offset=64 (local.get $tile) (local.get $c20))
    (v128.store offset=80 (local.get $tile) (local.get $c21))
    (v128.store offset=96 (local.get $tile) (local.get $c30))
    (v128.store offset=112 (local.get $tile) (local.get $c31))
    (local.set $r (i32.const 0))
    (loop $rows
      (local.set $src (i32.add (local.get $tile) (i32.shl (local.get $r) (i32.const 5))))
      (local.set $dst (i32.add (local.get $c) (i32.mul (local.get $r) (local.get $ldc))))
      (local.set $j (i32.const 0))
      (loop $cols
        (local.set $v (f32.load (local.get $src)))
        (if (i32.eqz (local.get $overwrite))
          (then (local.set $v (f32.add (local.get $v) (f32.load (local.get $dst))))))
        (f32.store (local.get $dst) (local.get $v))
        (local.set $src (i32.add (local.get $src) (i32.const 4)))
        (local.set $dst (i32.add (local.get $dst) (i32.const 4)))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br_if $cols (i32.lt_u (local.get $j) (local.get $nr))))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br_if $rows (i32.lt_u (local.get $r) (local.get $mr)))))
)
