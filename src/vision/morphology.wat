;; The vision pipeline's hot loops in WebAssembly (SIMD f32x4 where it pays): the min/max filters
;; of morphology.ts (the polarity top-hats run 16 of them over every working-size picture), the
;; top-hat histograms, the box blur and the Hough counts of lines.ts. Pointers in BYTES:
;;
;;  col_ext: the van Herk / Gil-Werman running extremum down the columns of a w×h plane whose
;;           rows are `stride` floats apart (stride a multiple of 4), four columns at a time:
;;           the same blocks, the same fill values (±inf outside the picture) and the same
;;           comparisons as columnExtremum in morphology.ts, so the results are the same floats.
;;           f32x4.pmax(a, b) is `a < b ? b : a` and the TypeScript is `a > b ? a : b`: they differ
;;           only when a == b and the two are +0 and -0, which pictures (sums of non-negative
;;           terms) never hold.
;;  transpose: dst (w rows of `dstride`) = src (h rows of w, `sstride` apart) transposed, in 4×4
;;           SIMD tiles (w, h multiples of 4); the row pass is a column pass of the transposed plane.
(module
  (import "env" "memory" (memory 0))

  ;; dst row = src row, `bytes` a multiple of 16
  (func $copy_row (param $dst i32) (param $src i32) (param $bytes i32)
    (local $end i32)
    (local.set $end (i32.add (local.get $dst) (local.get $bytes)))
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $dst) (local.get $end)))
        (v128.store (local.get $dst) (v128.load (local.get $src)))
        (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
        (local.set $src (i32.add (local.get $src) (i32.const 16)))
        (br $l))))

  ;; dst row = fill, `bytes` a multiple of 16
  (func $fill_row (param $dst i32) (param $fill f32) (param $bytes i32)
    (local $end i32) (local $v v128)
    (local.set $v (f32x4.splat (local.get $fill)))
    (local.set $end (i32.add (local.get $dst) (local.get $bytes)))
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $dst) (local.get $end)))
        (v128.store (local.get $dst) (local.get $v))
        (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
        (br $l))))

  ;; dst = ext(a, b) element-wise over `bytes` (a multiple of 16); isMax: pmax, else pmin
  (func $ext_row (param $dst i32) (param $a i32) (param $b i32) (param $bytes i32) (param $isMax i32)
    (local $end i32)
    (local.set $end (i32.add (local.get $dst) (local.get $bytes)))
    (if (local.get $isMax)
      (then
        (block $done
          (loop $l
            (br_if $done (i32.ge_u (local.get $dst) (local.get $end)))
            (v128.store (local.get $dst) (f32x4.pmax (v128.load (local.get $a)) (v128.load (local.get $b))))
            (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
            (local.set $a (i32.add (local.get $a) (i32.const 16)))
            (local.set $b (i32.add (local.get $b) (i32.const 16)))
            (br $l))))
      (else
        (block $done
          (loop $l
            (br_if $done (i32.ge_u (local.get $dst) (local.get $end)))
            (v128.store (local.get $dst) (f32x4.pmin (v128.load (local.get $a)) (v128.load (local.get $b))))
            (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
            (local.set $a (i32.add (local.get $a) (i32.const 16)))
            (local.set $b (i32.add (local.get $b) (i32.const 16)))
            (br $l))))))

  ;; padded row i (0 <= i < blocks) is source row i - r, or the fill outside the picture
  (func (export "col_ext") (param $src i32) (param $dst i32) (param $stride i32) (param $h i32)
        (param $size i32) (param $isMax i32) (param $g i32) (param $hh i32)
    (local $r i32) (local $blocks i32) (local $s0 i32) (local $i i32) (local $y i32)
    (local $bytes i32) (local $fill f32) (local $row i32)
    (local.set $r (i32.shr_u (local.get $size) (i32.const 1)))
    (local.set $blocks
      (i32.mul
        (i32.div_u (i32.sub (i32.add (i32.add (local.get $h) (i32.shl (local.get $r) (i32.const 1))) (local.get $size)) (i32.const 1))
                   (local.get $size))
        (local.get $size)))
    (local.set $bytes (i32.shl (local.get $stride) (i32.const 2)))
    (local.set $fill (select (f32.const -inf) (f32.const inf) (local.get $isMax)))
    (local.set $s0 (i32.const 0))
    (block $bdone
      (loop $blk
        (br_if $bdone (i32.ge_u (local.get $s0) (local.get $blocks)))
        ;; g forward: g[s0] = p[s0]; g[i] = ext(g[i-1], p[i])
        (local.set $i (local.get $s0))
        (block $fdone
          (loop $f
            (br_if $fdone (i32.ge_u (local.get $i) (i32.add (local.get $s0) (local.get $size))))
            (local.set $y (i32.sub (local.get $i) (local.get $r)))
            (local.set $row (i32.add (local.get $g) (i32.mul (local.get $i) (local.get $bytes))))
            (if (i32.or (i32.lt_s (local.get $y) (i32.const 0)) (i32.ge_s (local.get $y) (local.get $h)))
              (then
                (if (i32.eq (local.get $i) (local.get $s0))
                  (then (call $fill_row (local.get $row) (local.get $fill) (local.get $bytes)))
                  (else (call $copy_row (local.get $row) (i32.sub (local.get $row) (local.get $bytes)) (local.get $bytes)))))
              (else
                (if (i32.eq (local.get $i) (local.get $s0))
                  (then (call $copy_row (local.get $row) (i32.add (local.get $src) (i32.mul (local.get $y) (local.get $bytes))) (local.get $bytes)))
                  (else (call $ext_row (local.get $row) (i32.sub (local.get $row) (local.get $bytes))
                              (i32.add (local.get $src) (i32.mul (local.get $y) (local.get $bytes))) (local.get $bytes) (local.get $isMax))))))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $f)))
        ;; hh backward: hh[s0+size-1] = p[..]; hh[i] = ext(hh[i+1], p[i])
        (local.set $i (i32.sub (i32.add (local.get $s0) (local.get $size)) (i32.const 1)))
        (block $bkdone
          (loop $bk
            (br_if $bkdone (i32.lt_s (local.get $i) (local.get $s0)))
            (local.set $y (i32.sub (local.get $i) (local.get $r)))
            (local.set $row (i32.add (local.get $hh) (i32.mul (local.get $i) (local.get $bytes))))
            (if (i32.or (i32.lt_s (local.get $y) (i32.const 0)) (i32.ge_s (local.get $y) (local.get $h)))
              (then
                (if (i32.eq (local.get $i) (i32.sub (i32.add (local.get $s0) (local.get $size)) (i32.const 1)))
                  (then (call $fill_row (local.get $row) (local.get $fill) (local.get $bytes)))
                  (else (call $copy_row (local.get $row) (i32.add (local.get $row) (local.get $bytes)) (local.get $bytes)))))
              (else
                (if (i32.eq (local.get $i) (i32.sub (i32.add (local.get $s0) (local.get $size)) (i32.const 1)))
                  (then (call $copy_row (local.get $row) (i32.add (local.get $src) (i32.mul (local.get $y) (local.get $bytes))) (local.get $bytes)))
                  (else (call $ext_row (local.get $row) (i32.add (local.get $row) (local.get $bytes))
                              (i32.add (local.get $src) (i32.mul (local.get $y) (local.get $bytes))) (local.get $bytes) (local.get $isMax))))))
            (local.set $i (i32.sub (local.get $i) (i32.const 1)))
            (br $bk)))
        (local.set $s0 (i32.add (local.get $s0) (local.get $size)))
        (br $blk)))
    ;; out[y] = ext(hh[y], g[y + size - 1])
    (local.set $y (i32.const 0))
    (block $odone
      (loop $o
        (br_if $odone (i32.ge_s (local.get $y) (local.get $h)))
        (call $ext_row
          (i32.add (local.get $dst) (i32.mul (local.get $y) (local.get $bytes)))
          (i32.add (local.get $hh) (i32.mul (local.get $y) (local.get $bytes)))
          (i32.add (local.get $g) (i32.mul (i32.sub (i32.add (local.get $y) (local.get $size)) (i32.const 1)) (local.get $bytes)))
          (local.get $bytes) (local.get $isMax))
        (local.set $y (i32.add (local.get $y) (i32.const 1)))
        (br $o))))

;; dst (w rows of `dstride` floats) = src (h rows of w floats, `sstride` apart) transposed, w and h
  ;; multiples of 4, in 4×4 tiles of four v128 loads, eight shuffles and four stores
  (func (export "transpose") (param $src i32) (param $dst i32) (param $w i32) (param $h i32)
        (param $sstride i32) (param $dstride i32)
    (local $y i32) (local $x i32) (local $sb i32) (local $db i32) (local $s i32) (local $d i32)
    (local $r0 v128) (local $r1 v128) (local $r2 v128) (local $r3 v128)
    (local $t0 v128) (local $t1 v128) (local $t2 v128) (local $t3 v128)
    (local.set $sb (i32.shl (local.get $sstride) (i32.const 2)))
    (local.set $db (i32.shl (local.get $dstride) (i32.const 2)))
    (local.set $y (i32.const 0))
    (block $ydone
      (loop $yl
        (br_if $ydone (i32.ge_s (local.get $y) (local.get $h)))
        (local.set $x (i32.const 0))
        (block $xdone
          (loop $xl
            (br_if $xdone (i32.ge_s (local.get $x) (local.get $w)))
            (local.set $s (i32.add (local.get $src) (i32.add (i32.mul (local.get $y) (local.get $sb)) (i32.shl (local.get $x) (i32.const 2)))))
            (local.set $r0 (v128.load (local.get $s)))
            (local.set $r1 (v128.load (i32.add (local.get $s) (local.get $sb))))
            (local.set $r2 (v128.load (i32.add (local.get $s) (i32.shl (local.get $sb) (i32.const 1)))))
            (local.set $r3 (v128.load (i32.add (local.get $s) (i32.mul (local.get $sb) (i32.const 3)))))
            (local.set $t0 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $r0) (local.get $r1)))
            (local.set $t1 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $r0) (local.get $r1)))
            (local.set $t2 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $r2) (local.get $r3)))
            (local.set $t3 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $r2) (local.get $r3)))
            (local.set $d (i32.add (local.get $dst) (i32.add (i32.mul (local.get $x) (local.get $db)) (i32.shl (local.get $y) (i32.const 2)))))
            (v128.store (local.get $d) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t0) (local.get $t2)))
            (v128.store (i32.add (local.get $d) (local.get $db)) (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t0) (local.get $t2)))
            (v128.store (i32.add (local.get $d) (i32.shl (local.get $db) (i32.const 1))) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t1) (local.get $t3)))
            (v128.store (i32.add (local.get $d) (i32.mul (local.get $db) (i32.const 3))) (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t1) (local.get $t3)))
            (local.set $x (i32.add (local.get $x) (i32.const 4)))
            (br $xl)))
        (local.set $y (i32.add (local.get $y) (i32.const 4)))
        (br $yl))))

  ;; hist[i32] += 1 at clampByte(a - b) for the w×h picture in planes a and b (rows `stride` floats
  ;; apart): the difference in f64 (exact for two float32s), then 0 below 0, 255 from 255 up, else
  ;; trunc(d + 0.5), which is Math.floor(d + 0.5) for 0 < d < 255: the top-hat histograms of polarity.ts.
  (func (export "diff_hist") (param $a i32) (param $b i32) (param $w i32) (param $h i32) (param $stride i32) (param $hist i32)
    (local $y i32) (local $x i32) (local $ra i32) (local $rb i32) (local $d f64) (local $i i32) (local $slot i32)
    (local.set $y (i32.const 0))
    (block $ydone
      (loop $yl
        (br_if $ydone (i32.ge_s (local.get $y) (local.get $h)))
        (local.set $ra (i32.add (local.get $a) (i32.shl (i32.mul (local.get $y) (local.get $stride)) (i32.const 2))))
        (local.set $rb (i32.add (local.get $b) (i32.shl (i32.mul (local.get $y) (local.get $stride)) (i32.const 2))))
        (local.set $x (i32.const 0))
        (block $xdone
          (loop $xl
            (br_if $xdone (i32.ge_s (local.get $x) (local.get $w)))
            (local.set $d (f64.sub
              (f64.promote_f32 (f32.load (i32.add (local.get $ra) (i32.shl (local.get $x) (i32.const 2)))))
              (f64.promote_f32 (f32.load (i32.add (local.get $rb) (i32.shl (local.get $x) (i32.const 2)))))))
            (local.set $i
              (if (result i32) (f64.le (local.get $d) (f64.const 0))
                (then (i32.const 0))
                (else
                  (if (result i32) (f64.ge (local.get $d) (f64.const 255))
                    (then (i32.const 255))
                    (else (i32.trunc_sat_f64_s (f64.add (local.get $d) (f64.const 0.5))))))))
            (local.set $slot (i32.add (local.get $hist) (i32.shl (local.get $i) (i32.const 2))))
            (i32.store (local.get $slot) (i32.add (i32.load (local.get $slot)) (i32.const 1)))
            (local.set $x (i32.add (local.get $x) (i32.const 1)))
            (br $xl)))
        (local.set $y (i32.add (local.get $y) (i32.const 1)))
        (br $yl))))

  ;; Box blur, the mean over a window of 2r+1 clamped at the borders, as box_blur in morphology.ts:
  ;; prefix sums in f64, (sum[b] - sum[a]) / (b - a), stored as f32 (the same operations in the
  ;; same order, so the same floats). Planes are dense w×h (no padding); `line` holds w+1 f64,
  ;; `prefix` (h+1)×w f64.
  (func (export "box_rows") (param $src i32) (param $dst i32) (param $w i32) (param $h i32) (param $r i32) (param $line i32)
    (local $y i32) (local $x i32) (local $row i32) (local $a i32) (local $b i32)
    (local.set $y (i32.const 0))
    (block $ydone
      (loop $yl
        (br_if $ydone (i32.ge_s (local.get $y) (local.get $h)))
        (local.set $row (i32.shl (i32.mul (local.get $y) (local.get $w)) (i32.const 2)))
        (f64.store (local.get $line) (f64.const 0))
        (local.set $x (i32.const 0))
        (block $pdone
          (loop $pl
            (br_if $pdone (i32.ge_s (local.get $x) (local.get $w)))
            (f64.store (i32.add (local.get $line) (i32.shl (i32.add (local.get $x) (i32.const 1)) (i32.const 3)))
              (f64.add (f64.load (i32.add (local.get $line) (i32.shl (local.get $x) (i32.const 3))))
                       (f64.promote_f32 (f32.load (i32.add (i32.add (local.get $src) (local.get $row)) (i32.shl (local.get $x) (i32.const 2)))))))
            (local.set $x (i32.add (local.get $x) (i32.const 1)))
            (br $pl)))
        (local.set $x (i32.const 0))
        (block $odone
          (loop $ol
            (br_if $odone (i32.ge_s (local.get $x) (local.get $w)))
            (local.set $a (select (i32.sub (local.get $x) (local.get $r)) (i32.const 0) (i32.gt_s (i32.sub (local.get $x) (local.get $r)) (i32.const 0))))
            (local.set $b (select (i32.add (i32.add (local.get $x) (local.get $r)) (i32.const 1)) (local.get $w)
                                  (i32.lt_s (i32.add (i32.add (local.get $x) (local.get $r)) (i32.const 1)) (local.get $w))))
            (f32.store (i32.add (i32.add (local.get $dst) (local.get $row)) (i32.shl (local.get $x) (i32.const 2)))
              (f32.demote_f64
                (f64.div
                  (f64.sub (f64.load (i32.add (local.get $line) (i32.shl (local.get $b) (i32.const 3))))
                           (f64.load (i32.add (local.get $line) (i32.shl (local.get $a) (i32.const 3)))))
                  (f64.convert_i32_s (i32.sub (local.get $b) (local.get $a))))))
            (local.set $x (i32.add (local.get $x) (i32.const 1)))
            (br $ol)))
        (local.set $y (i32.add (local.get $y) (i32.const 1)))
        (br $yl))))

  (func (export "box_cols") (param $src i32) (param $dst i32) (param $w i32) (param $h i32) (param $r i32) (param $prefix i32)
    (local $y i32) (local $x i32) (local $o i32) (local $q i32) (local $a i32) (local $b i32) (local $n f64) (local $wb i32)
    (local.set $wb (i32.shl (local.get $w) (i32.const 3)))
    (memory.fill (local.get $prefix) (i32.const 0) (local.get $wb))
    (local.set $y (i32.const 0))
    (block $ydone
      (loop $yl
        (br_if $ydone (i32.ge_s (local.get $y) (local.get $h)))
        (local.set $o (i32.add (local.get $prefix) (i32.mul (local.get $y) (local.get $wb))))
        (local.set $q (i32.add (local.get $src) (i32.shl (i32.mul (local.get $y) (local.get $w)) (i32.const 2))))
        (local.set $x (i32.const 0))
        (block $xdone
          (loop $xl
            (br_if $xdone (i32.ge_s (local.get $x) (local.get $w)))
            (f64.store (i32.add (i32.add (local.get $o) (local.get $wb)) (i32.shl (local.get $x) (i32.const 3)))
              (f64.add (f64.load (i32.add (local.get $o) (i32.shl (local.get $x) (i32.const 3))))
                       (f64.promote_f32 (f32.load (i32.add (local.get $q) (i32.shl (local.get $x) (i32.const 2)))))))
            (local.set $x (i32.add (local.get $x) (i32.const 1)))
            (br $xl)))
        (local.set $y (i32.add (local.get $y) (i32.const 1)))
        (br $yl)))
    (local.set $y (i32.const 0))
    (block $y2done
      (loop $y2l
        (br_if $y2done (i32.ge_s (local.get $y) (local.get $h)))
        (local.set $a (select (i32.sub (local.get $y) (local.get $r)) (i32.const 0) (i32.gt_s (i32.sub (local.get $y) (local.get $r)) (i32.const 0))))
        (local.set $b (select (i32.add (i32.add (local.get $y) (local.get $r)) (i32.const 1)) (local.get $h)
                              (i32.lt_s (i32.add (i32.add (local.get $y) (local.get $r)) (i32.const 1)) (local.get $h))))
        (local.set $n (f64.convert_i32_s (i32.sub (local.get $b) (local.get $a))))
        (local.set $a (i32.add (local.get $prefix) (i32.mul (local.get $a) (local.get $wb))))
        (local.set $b (i32.add (local.get $prefix) (i32.mul (local.get $b) (local.get $wb))))
        (local.set $q (i32.add (local.get $dst) (i32.shl (i32.mul (local.get $y) (local.get $w)) (i32.const 2))))
        (local.set $x (i32.const 0))
        (block $x2done
          (loop $x2l
            (br_if $x2done (i32.ge_s (local.get $x) (local.get $w)))
            (f32.store (i32.add (local.get $q) (i32.shl (local.get $x) (i32.const 2)))
              (f32.demote_f64
                (f64.div
                  (f64.sub (f64.load (i32.add (local.get $b) (i32.shl (local.get $x) (i32.const 3))))
                           (f64.load (i32.add (local.get $a) (i32.shl (local.get $x) (i32.const 3)))))
                  (local.get $n))))
            (local.set $x (i32.add (local.get $x) (i32.const 1)))
            (br $x2l)))
        (local.set $y (i32.add (local.get $y) (i32.const 1)))
        (br $y2l))))

  ;; The Hough counts of lines.ts: for each angle a < angles and each listed pixel k (indices in
  ;; `list`, or 0..n-1 when list is 0), hist[a * size + floor(ys[k] * cos[a] - xs[k] * sin[a] + 0.5) + reach]
  ;; += delta. f64 arithmetic in the same order as the TypeScript (the same bins). xs, ys, list are
  ;; i32 arrays, cos, sin f64 arrays, hist i32.
  (func (export "hough_add") (param $xs i32) (param $ys i32) (param $list i32) (param $n i32) (param $cos i32) (param $sin i32)
        (param $angles i32) (param $hist i32) (param $size i32) (param $reach i32) (param $delta i32)
    (local $a i32) (local $t i32) (local $k i32) (local $ca f64) (local $sa f64) (local $row i32) (local $slot i32)
    (local.set $a (i32.const 0))
    (block $adone
      (loop $al
        (br_if $adone (i32.ge_s (local.get $a) (local.get $angles)))
        (local.set $ca (f64.load (i32.add (local.get $cos) (i32.shl (local.get $a) (i32.const 3)))))
        (local.set $sa (f64.load (i32.add (local.get $sin) (i32.shl (local.get $a) (i32.const 3)))))
        (local.set $row (i32.add (local.get $hist) (i32.shl (i32.add (i32.mul (local.get $a) (local.get $size)) (local.get $reach)) (i32.const 2))))
        (local.set $t (i32.const 0))
        (block $kdone
          (loop $kl
            (br_if $kdone (i32.ge_s (local.get $t) (local.get $n)))
            (local.set $k (if (result i32) (local.get $list)
              (then (i32.load (i32.add (local.get $list) (i32.shl (local.get $t) (i32.const 2)))))
              (else (local.get $t))))
            (local.set $slot (i32.add (local.get $row) (i32.shl
              (i32.trunc_sat_f64_s (f64.floor (f64.add
                (f64.sub
                  (f64.mul (f64.convert_i32_s (i32.load (i32.add (local.get $ys) (i32.shl (local.get $k) (i32.const 2))))) (local.get $ca))
                  (f64.mul (f64.convert_i32_s (i32.load (i32.add (local.get $xs) (i32.shl (local.get $k) (i32.const 2))))) (local.get $sa)))
                (f64.const 0.5))))
              (i32.const 2))))
            (i32.store (local.get $slot) (i32.add (i32.load (local.get $slot)) (local.get $delta)))
            (local.set $t (i32.add (local.get $t) (i32.const 1)))
            (br $kl)))
        (local.set $a (i32.add (local.get $a) (i32.const 1)))
        (br $al))))
)
