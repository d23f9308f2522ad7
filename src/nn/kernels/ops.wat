;; The non-GEMM work of training, in WebAssembly SIMD (f32x4): optimizer updates, bias
;; broadcast and bias gradients, activation derivatives, ReLU, element-wise products (dropout),
;; max pooling and the im2row / row2im copies of the convolution.
;;
;; As in gemm.wat, pointers arrive as float32 indices into the imported memory and are turned
;; into byte addresses on entry. Element-wise loops run four floats at a time and finish the
;; n % 4 tail one float at a time; unaligned v128 loads are fine (and cheap) in wasm.
;;
;; Each function has a plain TypeScript twin in ops.ts with the same arguments; the tests
;; compare the two. Sigmoid and tanh forward stay in TypeScript (Math.exp / Math.tanh): an
;; accurate vector exp is not worth it for the few hundred units of the MLPs.
(module
  (import "env" "memory" (memory 0))

  ;; ---------------------------------------------------------------- small helpers (bytes)

  ;; dst[0..bytes) = src[0..bytes); bytes is a multiple of 4; the ranges do not overlap.
  (func $copy (param $dst i32) (param $src i32) (param $bytes i32)
    (local $end i32)
    (local.set $end (i32.add (local.get $dst) (i32.and (local.get $bytes) (i32.const -16))))
    (block $vdone
      (loop $v
        (br_if $vdone (i32.ge_u (local.get $dst) (local.get $end)))
        (v128.store (local.get $dst) (v128.load (local.get $src)))
        (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
        (local.set $src (i32.add (local.get $src) (i32.const 16)))
        (br $v)))
    (local.set $end (i32.add (local.get $end) (i32.and (local.get $bytes) (i32.const 12))))
    (block $sdone
      (loop $s
        (br_if $sdone (i32.ge_u (local.get $dst) (local.get $end)))
        (f32.store (local.get $dst) (f32.load (local.get $src)))
        (local.set $dst (i32.add (local.get $dst) (i32.const 4)))
        (local.set $src (i32.add (local.get $src) (i32.const 4)))
        (br $s))))

  ;; dst[0..bytes) += src[0..bytes) as floats.
  (func $addto (param $dst i32) (param $src i32) (param $bytes i32)
    (local $end i32)
    (local.set $end (i32.add (local.get $dst) (i32.and (local.get $bytes) (i32.const -16))))
    (block $vdone
      (loop $v
        (br_if $vdone (i32.ge_u (local.get $dst) (local.get $end)))
        (v128.store (local.get $dst) (f32x4.add (v128.load (local.get $dst)) (v128.load (local.get $src))))
        (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
        (local.set $src (i32.add (local.get $src) (i32.const 16)))
        (br $v)))
    (local.set $end (i32.add (local.get $end) (i32.and (local.get $bytes) (i32.const 12))))
    (block $sdone
      (loop $s
        (br_if $sdone (i32.ge_u (local.get $dst) (local.get $end)))
        (f32.store (local.get $dst) (f32.add (f32.load (local.get $dst)) (f32.load (local.get $src))))
        (local.set $dst (i32.add (local.get $dst) (i32.const 4)))
        (local.set $src (i32.add (local.get $src) (i32.const 4)))
        (br $s))))

  (func $zero (param $dst i32) (param $bytes i32)
    (if (local.get $bytes) (then (memory.fill (local.get $dst) (i32.const 0) (local.get $bytes)))))

  ;; ---------------------------------------------------------------- optimizer updates

  ;; g' = g + decay·p; with momentum (vel ≠ 0): v = μ·v − lr·g', p += v; else p −= lr·g'.
  (func (export "sgd")
    (param $p i32) (param $g i32) (param $vel i32) (param $n i32)
    (param $lr f32) (param $decay f32) (param $mu f32)
    (local $i i32) (local $vbytes i32) (local $bytes i32)
    (local $lrv v128) (local $dv v128) (local $muv v128) (local $pv v128) (local $gv v128) (local $vv v128)
    (local $ps f32) (local $gs f32) (local $vs f32)
    (local.set $p (i32.shl (local.get $p) (i32.const 2)))
    (local.set $g (i32.shl (local.get $g) (i32.const 2)))
    (local.set $vel (i32.shl (local.get $vel) (i32.const 2)))
    (local.set $bytes (i32.shl (local.get $n) (i32.const 2)))
    (local.set $vbytes (i32.and (local.get $bytes) (i32.const -16)))
    (local.set $lrv (f32x4.splat (local.get $lr)))
    (local.set $dv (f32x4.splat (local.get $decay)))
    (local.set $muv (f32x4.splat (local.get $mu)))
    (if (i32.or (i32.eqz (local.get $vel)) (f32.eq (local.get $mu) (f32.const 0)))
      (then
        (block $vdone
          (loop $v
            (br_if $vdone (i32.ge_u (local.get $i) (local.get $vbytes)))
            (local.set $pv (v128.load (i32.add (local.get $p) (local.get $i))))
            (local.set $gv (f32x4.add (v128.load (i32.add (local.get $g) (local.get $i)))
              (f32x4.mul (local.get $dv) (local.get $pv))))
            (v128.store (i32.add (local.get $p) (local.get $i))
              (f32x4.sub (local.get $pv) (f32x4.mul (local.get $lrv) (local.get $gv))))
            (local.set $i (i32.add (local.get $i) (i32.const 16)))
            (br $v)))
        (block $sdone
          (loop $s
            (br_if $sdone (i32.ge_u (local.get $i) (local.get $bytes)))
            (local.set $ps (f32.load (i32.add (local.get $p) (local.get $i))))
            (local.set $gs (f32.add (f32.load (i32.add (local.get $g) (local.get $i)))
              (f32.mul (local.get $decay) (local.get $ps))))
            (f32.store (i32.add (local.get $p) (local.get $i))
              (f32.sub (local.get $ps) (f32.mul (local.get $lr) (local.get $gs))))
            (local.set $i (i32.add (local.get $i) (i32.const 4)))
            (br $s)))
        (return)))
    (block $vdone
      (loop $v
        (br_if $vdone (i32.ge_u (local.get $i) (local.get $vbytes)))
        (local.set $pv (v128.load (i32.add (local.get $p) (local.get $i))))
        (local.set $gv (f32x4.add (v128.load (i32.add (local.get $g) (local.get $i)))
          (f32x4.mul (local.get $dv) (local.get $pv))))
        (local.set $vv (f32x4.sub
          (f32x4.mul (local.get $muv) (v128.load (i32.add (local.get $vel) (local.get $i))))
          (f32x4.mul (local.get $lrv) (local.get $gv))))
        (v128.store (i32.add (local.get $vel) (local.get $i)) (local.get $vv))
        (v128.store (i32.add (local.get $p) (local.get $i)) (f32x4.add (local.get $pv) (local.get $vv)))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $v)))
    (block $sdone
      (loop $s
        (br_if $sdone (i32.ge_u (local.get $i) (local.get $bytes)))
        (local.set $ps (f32.load (i32.add (local.get $p) (local.get $i))))
        (local.set $gs (f32.add (f32.load (i32.add (local.get $g) (local.get $i)))
          (f32.mul (local.get $decay) (local.get $ps))))
        (local.set $vs (f32.sub
          (f32.mul (local.get $mu) (f32.load (i32.add (local.get $vel) (local.get $i))))
          (f32.mul (local.get $lr) (local.get $gs))))
        (f32.store (i32.add (local.get $vel) (local.get $i)) (local.get $vs))
        (f32.store (i32.add (local.get $p) (local.get $i)) (f32.add (local.get $ps) (local.get $vs)))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $s))))

  ;; g' = g + decay·p; m = β1·m + (1−β1)·g'; v = β2·v + (1−β2)·g'²; p −= step·m / (√v + ε).
  ;; c1 = 1−β1 and c2 = 1−β2 are computed by the caller in double precision.
  (func (export "adam")
    (param $p i32) (param $g i32) (param $m i32) (param $v i32) (param $n i32)
    (param $step f32) (param $b1 f32) (param $b2 f32) (param $c1 f32) (param $c2 f32)
    (param $eps f32) (param $decay f32)
    (local $i i32) (local $vbytes i32) (local $bytes i32)
    (local $stepv v128) (local $b1v v128) (local $b2v v128) (local $c1v v128) (local $c2v v128)
    (local $epsv v128) (local $dv v128)
    (local $pv v128) (local $gv v128) (local $mv v128) (local $vv v128)
    (local $ps f32) (local $gs f32) (local $ms f32) (local $vs f32)
    (local.set $p (i32.shl (local.get $p) (i32.const 2)))
    (local.set $g (i32.shl (local.get $g) (i32.const 2)))
    (local.set $m (i32.shl (local.get $m) (i32.const 2)))
    (local.set $v (i32.shl (local.get $v) (i32.const 2)))
    (local.set $bytes (i32.shl (local.get $n) (i32.const 2)))
    (local.set $vbytes (i32.and (local.get $bytes) (i32.const -16)))
    (local.set $stepv (f32x4.splat (local.get $step)))
    (local.set $b1v (f32x4.splat (local.get $b1)))
    (local.set $b2v (f32x4.splat (local.get $b2)))
    (local.set $c1v (f32x4.splat (local.get $c1)))
    (local.set $c2v (f32x4.splat (local.get $c2)))
    (local.set $epsv (f32x4.splat (local.get $eps)))
    (local.set $dv (f32x4.splat (local.get $decay)))
    (block $vdone
      (loop $l
        (br_if $vdone (i32.ge_u (local.get $i) (local.get $vbytes)))
        (local.set $pv (v128.load (i32.add (local.get $p) (local.get $i))))
        (local.set $gv (f32x4.add (v128.load (i32.add (local.get $g) (local.get $i)))
          (f32x4.mul (local.get $dv) (local.get $pv))))
        (local.set $mv (f32x4.add
          (f32x4.mul (local.get $b1v) (v128.load (i32.add (local.get $m) (local.get $i))))
          (f32x4.mul (local.get $c1v) (local.get $gv))))
        (local.set $vv (f32x4.add
          (f32x4.mul (local.get $b2v) (v128.load (i32.add (local.get $v) (local.get $i))))
          (f32x4.mul (local.get $c2v) (f32x4.mul (local.get $gv) (local.get $gv)))))
        (v128.store (i32.add (local.get $m) (local.get $i)) (local.get $mv))
        (v128.store (i32.add (local.get $v) (local.get $i)) (local.get $vv))
        (v128.store (i32.add (local.get $p) (local.get $i))
          (f32x4.sub (local.get $pv)
            (f32x4.div (f32x4.mul (local.get $stepv) (local.get $mv))
              (f32x4.add (f32x4.sqrt (local.get $vv)) (local.get $epsv)))))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $l)))
    (block $sdone
      (loop $s
        (br_if $sdone (i32.ge_u (local.get $i) (local.get $bytes)))
        (local.set $ps (f32.load (i32.add (local.get $p) (local.get $i))))
        (local.set $gs (f32.add (f32.load (i32.add (local.get $g) (local.get $i)))
          (f32.mul (local.get $decay) (local.get $ps))))
        (local.set $ms (f32.add
          (f32.mul (local.get $b1) (f32.load (i32.add (local.get $m) (local.get $i))))
          (f32.mul (local.get $c1) (local.get $gs))))
        (local.set $vs (f32.add
          (f32.mul (local.get $b2) (f32.load (i32.add (local.get $v) (local.get $i))))
          (f32.mul (local.get $c2) (f32.mul (local.get $gs) (local.get $gs)))))
        (f32.store (i32.add (local.get $m) (local.get $i)) (local.get $ms))
        (f32.store (i32.add (local.get $v) (local.get $i)) (local.get $vs))
        (f32.store (i32.add (local.get $p) (local.get $i))
          (f32.sub (local.get $ps)
            (f32.div (f32.mul (local.get $step) (local.get $ms))
              (f32.add (f32.sqrt (local.get $vs)) (local.get $eps)))))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $s))))

  ;; ---------------------------------------------------------------- bias

  ;; y[r·n + j] = bias[j] for r < rows.
  (func (export "bias_rows") (param $y i32) (param $bias i32) (param $rows i32) (param $n i32)
    (local $row i32) (local $r i32)
    (local.set $y (i32.shl (local.get $y) (i32.const 2)))
    (local.set $bias (i32.shl (local.get $bias) (i32.const 2)))
    (local.set $row (i32.shl (local.get $n) (i32.const 2)))
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $r) (local.get $rows)))
        (call $copy (local.get $y) (local.get $bias) (local.get $row))
        (local.set $y (i32.add (local.get $y) (local.get $row)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $l))))

  ;; dst[j] = Σ_{r < rows} src[r·n + j].
  (func (export "column_sums") (param $dst i32) (param $src i32) (param $rows i32) (param $n i32)
    (local $row i32) (local $r i32)
    (local.set $dst (i32.shl (local.get $dst) (i32.const 2)))
    (local.set $src (i32.shl (local.get $src) (i32.const 2)))
    (local.set $row (i32.shl (local.get $n) (i32.const 2)))
    (call $zero (local.get $dst) (local.get $row))
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $r) (local.get $rows)))
        (call $addto (local.get $dst) (local.get $src) (local.get $row))
        (local.set $src (i32.add (local.get $src) (local.get $row)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $l))))

  ;; ---------------------------------------------------------------- element-wise

  ;; y = max(x, 0), with NaN and −0 mapped to +0 like `x > 0 ? x : 0`.
  (func (export "relu_forward") (param $x i32) (param $y i32) (param $n i32)
    (local $i i32) (local $vbytes i32) (local $bytes i32) (local $s f32)
    (local.set $x (i32.shl (local.get $x) (i32.const 2)))
    (local.set $y (i32.shl (local.get $y) (i32.const 2)))
    (local.set $bytes (i32.shl (local.get $n) (i32.const 2)))
    (local.set $vbytes (i32.and (local.get $bytes) (i32.const -16)))
    (block $vdone
      (loop $v
        (br_if $vdone (i32.ge_u (local.get $i) (local.get $vbytes)))
        ;; pmax(0, x) = 0 < x ? x : 0
        (v128.store (i32.add (local.get $y) (local.get $i))
          (f32x4.pmax (v128.const f32x4 0 0 0 0) (v128.load (i32.add (local.get $x) (local.get $i)))))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $v)))
    (block $sdone
      (loop $s
        (br_if $sdone (i32.ge_u (local.get $i) (local.get $bytes)))
        (local.set $s (f32.load (i32.add (local.get $x) (local.get $i))))
        (f32.store (i32.add (local.get $y) (local.get $i))
          (select (local.get $s) (f32.const 0) (f32.gt (local.get $s) (f32.const 0))))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $s))))

  ;; dx = dy · f'(y) for f = relu (kind 0), sigmoid (1), tanh (2), from the saved output y:
  ;; relu' = y > 0, sigmoid' = y·(1−y), tanh' = 1−y².
  (func (export "activation_backward") (param $kind i32) (param $y i32) (param $dy i32) (param $dx i32) (param $n i32)
    (local $i i32) (local $vbytes i32) (local $bytes i32)
    (local $yv v128) (local $gv v128) (local $ys f32) (local $gs f32)
    (local.set $y (i32.shl (local.get $y) (i32.const 2)))
    (local.set $dy (i32.shl (local.get $dy) (i32.const 2)))
    (local.set $dx (i32.shl (local.get $dx) (i32.const 2)))
    (local.set $bytes (i32.shl (local.get $n) (i32.const 2)))
    (local.set $vbytes (i32.and (local.get $bytes) (i32.const -16)))
    (block $vdone
      (loop $v
        (br_if $vdone (i32.ge_u (local.get $i) (local.get $vbytes)))
        (local.set $yv (v128.load (i32.add (local.get $y) (local.get $i))))
        (local.set $gv (v128.load (i32.add (local.get $dy) (local.get $i))))
        (v128.store (i32.add (local.get $dx) (local.get $i))
          (if (result v128) (i32.eqz (local.get $kind))
            (then (v128.and (local.get $gv) (f32x4.gt (local.get $yv) (v128.const f32x4 0 0 0 0))))
            (else
              (if (result v128) (i32.eq (local.get $kind) (i32.const 1))
                (then (f32x4.mul (f32x4.mul (local.get $gv) (local.get $yv))
                  (f32x4.sub (v128.const f32x4 1 1 1 1) (local.get $yv))))
                (else (f32x4.mul (local.get $gv)
                  (f32x4.sub (v128.const f32x4 1 1 1 1) (f32x4.mul (local.get $yv) (local.get $yv)))))))))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $v)))
    (block $sdone
      (loop $s
        (br_if $sdone (i32.ge_u (local.get $i) (local.get $bytes)))
        (local.set $ys (f32.load (i32.add (local.get $y) (local.get $i))))
        (local.set $gs (f32.load (i32.add (local.get $dy) (local.get $i))))
        (f32.store (i32.add (local.get $dx) (local.get $i))
          (if (result f32) (i32.eqz (local.get $kind))
            (then (select (local.get $gs) (f32.const 0) (f32.gt (local.get $ys) (f32.const 0))))
            (else
              (if (result f32) (i32.eq (local.get $kind) (i32.const 1))
                (then (f32.mul (f32.mul (local.get $gs) (local.get $ys)) (f32.sub (f32.const 1) (local.get $ys))))
                (else (f32.mul (local.get $gs)
                  (f32.sub (f32.const 1) (f32.mul (local.get $ys) (local.get $ys)))))))))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $s))))

  ;; out = a ⊙ b (dropout: the input or its gradient times the scaled mask).
  (func (export "multiply") (param $a i32) (param $b i32) (param $out i32) (param $n i32)
    (local $i i32) (local $vbytes i32) (local $bytes i32)
    (local.set $a (i32.shl (local.get $a) (i32.const 2)))
    (local.set $b (i32.shl (local.get $b) (i32.const 2)))
    (local.set $out (i32.shl (local.get $out) (i32.const 2)))
    (local.set $bytes (i32.shl (local.get $n) (i32.const 2)))
    (local.set $vbytes (i32.and (local.get $bytes) (i32.const -16)))
    (block $vdone
      (loop $v
        (br_if $vdone (i32.ge_u (local.get $i) (local.get $vbytes)))
        (v128.store (i32.add (local.get $out) (local.get $i))
          (f32x4.mul (v128.load (i32.add (local.get $a) (local.get $i))) (v128.load (i32.add (local.get $b) (local.get $i)))))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $v)))
    (block $sdone
      (loop $s
        (br_if $sdone (i32.ge_u (local.get $i) (local.get $bytes)))
        (f32.store (i32.add (local.get $out) (local.get $i))
          (f32.mul (f32.load (i32.add (local.get $a) (local.get $i))) (f32.load (i32.add (local.get $b) (local.get $i)))))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $s))))

  ;; ---------------------------------------------------------------- max pooling (NHWC)

  ;; For each output (b, oy, ox, c): the maximum of its p×p window (the first of equal
  ;; maxima wins), and in argmax (i32) its float offset from x. Four channels at a time.
  (func (export "maxpool_forward")
    (param $x i32) (param $y i32) (param $arg i32) (param $batch i32)
    (param $H i32) (param $W i32) (param $C i32) (param $p i32) (param $s i32) (param $OH i32) (param $OW i32)
    (local $b i32) (local $oy i32) (local $ox i32) (local $c i32) (local $ky i32) (local $kx i32)
    (local $win i32) (local $off i32) (local $at i32) (local $C4 i32)
    (local $best v128) (local $idx v128) (local $val v128) (local $mask v128)
    (local $bs f32) (local $vs f32) (local $is i32)
    (local.set $y (i32.shl (local.get $y) (i32.const 2)))
    (local.set $arg (i32.shl (local.get $arg) (i32.const 2)))
    (local.set $C4 (i32.and (local.get $C) (i32.const -4)))
    (loop $bl
      (local.set $oy (i32.const 0))
      (loop $oyl
        (local.set $ox (i32.const 0))
        (loop $oxl
          ;; float offset from x of the window's top-left element, channel 0
          (local.set $win (i32.mul
            (i32.add (i32.mul (i32.add (i32.mul (local.get $b) (local.get $H)) (i32.mul (local.get $oy) (local.get $s))) (local.get $W))
              (i32.mul (local.get $ox) (local.get $s)))
            (local.get $C)))
          (local.set $c (i32.const 0))
          (block $cvdone
            (loop $cv
              (br_if $cvdone (i32.ge_u (local.get $c) (local.get $C4)))
              (local.set $off (i32.add (local.get $win) (local.get $c)))
              (local.set $best (v128.load (i32.shl (i32.add (local.get $x) (local.get $off)) (i32.const 2))))
              (local.set $idx (i32x4.add (i32x4.splat (local.get $off)) (v128.const i32x4 0 1 2 3)))
              (local.set $ky (i32.const 0))
              (loop $kyl
                (local.set $kx (i32.const 0))
                (loop $kxl
                  (local.set $at (i32.add (local.get $off)
                    (i32.mul (i32.add (i32.mul (local.get $ky) (local.get $W)) (local.get $kx)) (local.get $C))))
                  (local.set $val (v128.load (i32.shl (i32.add (local.get $x) (local.get $at)) (i32.const 2))))
                  (local.set $mask (f32x4.gt (local.get $val) (local.get $best)))
                  (local.set $best (v128.bitselect (local.get $val) (local.get $best) (local.get $mask)))
                  (local.set $idx (v128.bitselect
                    (i32x4.add (i32x4.splat (local.get $at)) (v128.const i32x4 0 1 2 3))
                    (local.get $idx) (local.get $mask)))
                  (br_if $kxl (i32.lt_u (local.tee $kx (i32.add (local.get $kx) (i32.const 1))) (local.get $p))))
                (br_if $kyl (i32.lt_u (local.tee $ky (i32.add (local.get $ky) (i32.const 1))) (local.get $p))))
              (v128.store (local.get $y) (local.get $best))
              (v128.store (local.get $arg) (local.get $idx))
              (local.set $y (i32.add (local.get $y) (i32.const 16)))
              (local.set $arg (i32.add (local.get $arg) (i32.const 16)))
              (local.set $c (i32.add (local.get $c) (i32.const 4)))
              (br $cv)))
          (block $csdone
            (loop $cs
              (br_if $csdone (i32.ge_u (local.get $c) (local.get $C)))
              (local.set $off (i32.add (local.get $win) (local.get $c)))
              (local.set $bs (f32.load (i32.shl (i32.add (local.get $x) (local.get $off)) (i32.const 2))))
              (local.set $is (local.get $off))
              (local.set $ky (i32.const 0))
              (loop $kyl
                (local.set $kx (i32.const 0))
                (loop $kxl
                  (local.set $at (i32.add (local.get $off)
                    (i32.mul (i32.add (i32.mul (local.get $ky) (local.get $W)) (local.get $kx)) (local.get $C))))
                  (local.set $vs (f32.load (i32.shl (i32.add (local.get $x) (local.get $at)) (i32.const 2))))
                  (if (f32.gt (local.get $vs) (local.get $bs))
                    (then (local.set $bs (local.get $vs)) (local.set $is (local.get $at))))
                  (br_if $kxl (i32.lt_u (local.tee $kx (i32.add (local.get $kx) (i32.const 1))) (local.get $p))))
                (br_if $kyl (i32.lt_u (local.tee $ky (i32.add (local.get $ky) (i32.const 1))) (local.get $p))))
              (f32.store (local.get $y) (local.get $bs))
              (i32.store (local.get $arg) (local.get $is))
              (local.set $y (i32.add (local.get $y) (i32.const 4)))
              (local.set $arg (i32.add (local.get $arg) (i32.const 4)))
              (local.set $c (i32.add (local.get $c) (i32.const 1)))
              (br $cs)))
          (br_if $oxl (i32.lt_u (local.tee $ox (i32.add (local.get $ox) (i32.const 1))) (local.get $OW))))
        (br_if $oyl (i32.lt_u (local.tee $oy (i32.add (local.get $oy) (i32.const 1))) (local.get $OH))))
      (br_if $bl (i32.lt_u (local.tee $b (i32.add (local.get $b) (i32.const 1))) (local.get $batch)))))

  ;; dx = 0 over inCount floats, then dx[argmax[o]] += dy[o] for o < outCount.
  (func (export "maxpool_backward") (param $dy i32) (param $dx i32) (param $arg i32) (param $outCount i32) (param $inCount i32)
    (local $end i32) (local $at i32)
    (local.set $dy (i32.shl (local.get $dy) (i32.const 2)))
    (local.set $dx (i32.shl (local.get $dx) (i32.const 2)))
    (local.set $arg (i32.shl (local.get $arg) (i32.const 2)))
    (call $zero (local.get $dx) (i32.shl (local.get $inCount) (i32.const 2)))
    (local.set $end (i32.add (local.get $arg) (i32.shl (local.get $outCount) (i32.const 2))))
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $arg) (local.get $end)))
        (local.set $at (i32.add (local.get $dx) (i32.shl (i32.load (local.get $arg)) (i32.const 2))))
        (f32.store (local.get $at) (f32.add (f32.load (local.get $at)) (f32.load (local.get $dy))))
        (local.set $arg (i32.add (local.get $arg) (i32.const 4)))
        (local.set $dy (i32.add (local.get $dy) (i32.const 4)))
        (br $l))))

  ;; ---------------------------------------------------------------- im2row / row2im (NHWC)

  ;; For each output position (b, oy, ox), the row [ky][kx][c] of its k×k×C input patch, zeros
  ;; outside the image. Within one ky the valid kx are adjacent in NHWC memory, so each ky is
  ;; one contiguous copy of (kx1 − kx0)·C floats between two (usually empty) zero fills.
  (func (export "im2row")
    (param $x i32) (param $rows i32) (param $batch i32)
    (param $H i32) (param $W i32) (param $C i32) (param $k i32) (param $s i32) (param $pad i32)
    (param $OH i32) (param $OW i32)
    (local $b i32) (local $oy i32) (local $ox i32) (local $ky i32) (local $iy i32) (local $ix0 i32)
    (local $kx0 i32) (local $kx1 i32) (local $img i32) (local $cb i32) (local $kcb i32) (local $src i32)
    (local.set $x (i32.shl (local.get $x) (i32.const 2)))
    (local.set $rows (i32.shl (local.get $rows) (i32.const 2)))
    (local.set $cb (i32.shl (local.get $C) (i32.const 2)))           ;; bytes per pixel
    (local.set $kcb (i32.mul (local.get $k) (local.get $cb)))        ;; bytes per ky of a row
    (loop $bl
      (local.set $img (i32.add (local.get $x)
        (i32.mul (i32.mul (local.get $b) (i32.mul (local.get $H) (local.get $W))) (local.get $cb))))
      (local.set $oy (i32.const 0))
      (loop $oyl
        (local.set $ox (i32.const 0))
        (loop $oxl
          (local.set $ix0 (i32.sub (i32.mul (local.get $ox) (local.get $s)) (local.get $pad)))
          (local.set $kx0 (select (i32.sub (i32.const 0) (local.get $ix0)) (i32.const 0) (i32.lt_s (local.get $ix0) (i32.const 0))))
          (local.set $kx1 (i32.sub (local.get $W) (local.get $ix0)))
          (if (i32.gt_s (local.get $kx1) (local.get $k)) (then (local.set $kx1 (local.get $k))))
          (local.set $ky (i32.const 0))
          (loop $kyl
            (local.set $iy (i32.add (i32.sub (i32.mul (local.get $oy) (local.get $s)) (local.get $pad)) (local.get $ky)))
            (if (i32.or (i32.ge_u (local.get $iy) (local.get $H)) (i32.le_s (local.get $kx1) (local.get $kx0)))
              (then (call $zero (local.get $rows) (local.get $kcb)))
              (else
                (local.set $src (i32.add (local.get $img)
                  (i32.mul (i32.add (i32.mul (local.get $iy) (local.get $W)) (i32.add (local.get $ix0) (local.get $kx0))) (local.get $cb))))
                (if (i32.and (i32.eqz (local.get $kx0)) (i32.eq (local.get $kx1) (local.get $k)))
                  (then
                    ;; the whole k·C run lies inside the image (the common case)
                    (if (i32.le_u (local.get $kcb) (i32.const 32))
                      (then
                        ;; short runs (the first layer: C = 1, k ≤ 8): two overlapping vector
                        ;; copies, or floats one by one below 4
                        (if (i32.ge_u (local.get $kcb) (i32.const 16))
                          (then
                            (v128.store (local.get $rows) (v128.load (local.get $src)))
                            (v128.store
                              (i32.sub (i32.add (local.get $rows) (local.get $kcb)) (i32.const 16))
                              (v128.load (i32.sub (i32.add (local.get $src) (local.get $kcb)) (i32.const 16)))))
                          (else (call $copy (local.get $rows) (local.get $src) (local.get $kcb)))))
                      (else (call $copy (local.get $rows) (local.get $src) (local.get $kcb)))))
                  (else
                    (call $zero (local.get $rows) (i32.mul (local.get $kx0) (local.get $cb)))
                    (call $copy
                      (i32.add (local.get $rows) (i32.mul (local.get $kx0) (local.get $cb)))
                      (local.get $src)
                      (i32.mul (i32.sub (local.get $kx1) (local.get $kx0)) (local.get $cb)))
                    (call $zero
                      (i32.add (local.get $rows) (i32.mul (local.get $kx1) (local.get $cb)))
                      (i32.mul (i32.sub (local.get $k) (local.get $kx1)) (local.get $cb)))))))
            (local.set $rows (i32.add (local.get $rows) (local.get $kcb)))
            (br_if $kyl (i32.lt_u (local.tee $ky (i32.add (local.get $ky) (i32.const 1))) (local.get $k))))
          (br_if $oxl (i32.lt_u (local.tee $ox (i32.add (local.get $ox) (i32.const 1))) (local.get $OW))))
        (br_if $oyl (i32.lt_u (local.tee $oy (i32.add (local.get $oy) (i32.const 1))) (local.get $OH))))
      (br_if $bl (i32.lt_u (local.tee $b (i32.add (local.get $b) (i32.const 1))) (local.get $batch)))))

  ;; The adjoint of im2row: dx = 0, then each row's valid runs are added back onto the input
  ;; pixels they were read from.
  (func (export "row2im")
    (param $rows i32) (param $dx i32) (param $batch i32)
    (param $H i32) (param $W i32) (param $C i32) (param $k i32) (param $s i32) (param $pad i32)
    (param $OH i32) (param $OW i32)
    (local $b i32) (local $oy i32) (local $ox i32) (local $ky i32) (local $iy i32) (local $ix0 i32)
    (local $kx0 i32) (local $kx1 i32) (local $img i32) (local $cb i32) (local $kcb i32)
    (local.set $rows (i32.shl (local.get $rows) (i32.const 2)))
    (local.set $dx (i32.shl (local.get $dx) (i32.const 2)))
    (local.set $cb (i32.shl (local.get $C) (i32.const 2)))
    (local.set $kcb (i32.mul (local.get $k) (local.get $cb)))
    (call $zero (local.get $dx)
      (i32.mul (i32.mul (local.get $batch) (i32.mul (local.get $H) (local.get $W))) (local.get $cb)))
    (loop $bl
      (local.set $img (i32.add (local.get $dx)
        (i32.mul (i32.mul (local.get $b) (i32.mul (local.get $H) (local.get $W))) (local.get $cb))))
      (local.set $oy (i32.const 0))
      (loop $oyl
        (local.set $ox (i32.const 0))
        (loop $oxl
          (local.set $ix0 (i32.sub (i32.mul (local.get $ox) (local.get $s)) (local.get $pad)))
          (local.set $kx0 (select (i32.sub (i32.const 0) (local.get $ix0)) (i32.const 0) (i32.lt_s (local.get $ix0) (i32.const 0))))
          (local.set $kx1 (i32.sub (local.get $W) (local.get $ix0)))
          (if (i32.gt_s (local.get $kx1) (local.get $k)) (then (local.set $kx1 (local.get $k))))
          (local.set $ky (i32.const 0))
          (loop $kyl
            (local.set $iy (i32.add (i32.sub (i32.mul (local.get $oy) (local.get $s)) (local.get $pad)) (local.get $ky)))
            (if (i32.and (i32.lt_u (local.get $iy) (local.get $H)) (i32.gt_s (local.get $kx1) (local.get $kx0)))
              (then
                (call $addto
                  (i32.add (local.get $img)
                    (i32.mul (i32.add (i32.mul (local.get $iy) (local.get $W)) (i32.add (local.get $ix0) (local.get $kx0))) (local.get $cb)))
                  (i32.add (local.get $rows) (i32.mul (local.get $kx0) (local.get $cb)))
                  (i32.mul (i32.sub (local.get $kx1) (local.get $kx0)) (local.get $cb)))))
            (local.set $rows (i32.add (local.get $rows) (local.get $kcb)))
            (br_if $kyl (i32.lt_u (local.tee $ky (i32.add (local.get $ky) (i32.const 1))) (local.get $k))))
          (br_if $oxl (i32.lt_u (local.tee $ox (i32.add (local.get $ox) (i32.const 1))) (local.get $OW))))
        (br_if $oyl (i32.lt_u (local.tee $oy (i32.add (local.get $oy) (i32.const 1))) (local.get $OH))))
      (br_if $bl (i32.lt_u (local.tee $b (i32.add (local.get $b) (i32.const 1))) (local.get $batch)))))
)
