;; The vision pipeline's hot loops in WebAssembly (SIMD f32x4 where it pays): the min/max filters
;; of morphology.ts (the polarity top-hats run 16 of them over every working-size picture), the
;; top-hat histograms, the box blur and the Hough counts of lines.ts. Pointers in BYTES:
;;
;;  col_ext: the van Herk / Gil-Werman running extremum down the columns of a w×h plane whose
;;           rows are `stride` floats apart (stride a multiple of 4), four columns at a time,
;;           one block of rows at a time (below): the same blocks and fill values (±inf outside
;;           the picture) as columnExtremum in morphology.ts, the extremum of the same samples,
;;           so the results are the same floats.
;;           f32x4.pmax(a, b) is `a < b ? b : a` and the TypeScript is `a > b ? a : b`: they differ
;;           only when a == b and the two are +0 and -0, which pictures (sums of non-negative
;;           terms) never hold.
;;  row_ext: the row pass, by doubling within a row (below).
;;  col_row_from, col_diff_hist: col_ext with the pass before it (the row pass, made
;;           a row at a time as the columns need it) or after it (the next filter's row pass,
;;           the top-hat counts) done on each row while it is in the cache: the polarity
;;           top-hats make no plane between their passes. The same operations on the same rows.
;;           (col_stream's mode 1: the next filter's row pass of each finished row into `out`,
;;           the block's rows in `block`, `arg` row_ext's buffer, not g nor hh.)
(module
  (import "env" "memory" (memory 0))

  ;; col_row_from's source rows: the first filter's row pass of the input made on demand into a
  ;; ring of rows (tags: the row each slot holds), so that its plane is never made
  (global $rsOn (mut i32) (i32.const 0))
  (global $rsInput (mut i32) (i32.const 0))
  (global $rsRing (mut i32) (i32.const 0))
  (global $rsTags (mut i32) (i32.const 0))
  (global $rsR (mut i32) (i32.const 1))
  (global $rsBuf (mut i32) (i32.const 0))
  (global $rsW (mut i32) (i32.const 0))
  (global $rsSize (mut i32) (i32.const 1))
  (global $rsIsMax (mut i32) (i32.const 0))

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
  (func $ext_row (export "ext_row") (param $dst i32) (param $a i32) (param $b i32) (param $bytes i32) (param $isMax i32)
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

  ;; p = ext(p, q); dst = ext(dst, p), element-wise over `bytes` (a multiple of 16): a running
  ;; prefix and its use in one pass (col_ext)
  (func $ext_acc (param $dst i32) (param $p i32) (param $q i32) (param $bytes i32) (param $isMax i32)
    (local $end i32) (local $v v128)
    (local.set $end (i32.add (local.get $dst) (local.get $bytes)))
    (if (local.get $isMax)
      (then
        (block $done
          (loop $l
            (br_if $done (i32.ge_u (local.get $dst) (local.get $end)))
            (local.set $v (f32x4.pmax (v128.load (local.get $p)) (v128.load (local.get $q))))
            (v128.store (local.get $p) (local.get $v))
            (v128.store (local.get $dst) (f32x4.pmax (v128.load (local.get $dst)) (local.get $v)))
            (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
            (local.set $p (i32.add (local.get $p) (i32.const 16)))
            (local.set $q (i32.add (local.get $q) (i32.const 16)))
            (br $l))))
      (else
        (block $done
          (loop $l
            (br_if $done (i32.ge_u (local.get $dst) (local.get $end)))
            (local.set $v (f32x4.pmin (v128.load (local.get $p)) (v128.load (local.get $q))))
            (v128.store (local.get $p) (local.get $v))
            (v128.store (local.get $dst) (f32x4.pmin (v128.load (local.get $dst)) (local.get $v)))
            (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
            (local.set $p (i32.add (local.get $p) (i32.const 16)))
            (local.set $q (i32.add (local.get $q) (i32.const 16)))
            (br $l))))))

  ;; col_ext, streaming: the blocks of `size` padded rows (padded row i is source row i - r, or the
  ;; fill outside the picture) one at a time, with nothing but the block's output rows and two row
  ;; buffers in the cache (the old pass wrote whole planes of forward and backward extrema and
  ;; read them back). Output row y = s0 + j of the block starting at padded row s0 is the extremum
  ;; of padded rows y .. y + size - 1: the block's suffix from j (made backwards, straight into the
  ;; output rows; past the picture's last row in the row buffer `t`) and, for j >= 1, the next
  ;; block's prefix up to j - 1 (made forwards in the row buffer `p`). The extremum of the same
  ;; samples as van Herk / Gil-Werman, so the same float. dst must not be src; `g` and `hh` need
  ;; one row (stride floats) each.
  (func (export "col_ext") (param $src i32) (param $dst i32) (param $stride i32) (param $h i32)
        (param $size i32) (param $isMax i32) (param $g i32) (param $hh i32)
    (drop (call $col_stream (local.get $src) (local.get $stride) (local.get $h) (local.get $size) (local.get $isMax)
      (local.get $g) (local.get $hh) (i32.const 0) (local.get $dst) (i32.const 0) (i32.const 0) (i32.const 0))))

  ;; col_ext, each output row then counted as diff_hist counts it while it is in the cache: with
  ;; isMax 0 (a closing's last pass) the black top-hat, row − `input`, else (an opening's) the
  ;; white top-hat, `input` − row; added into `hist` (256 i32) with `scratch` (4112 bytes).
  (func (export "col_diff_hist") (param $src i32) (param $input i32) (param $stride i32) (param $w i32) (param $h i32)
        (param $size i32) (param $isMax i32) (param $g i32) (param $hh i32) (param $block i32) (param $hist i32) (param $scratch i32)
    (memory.fill (local.get $scratch) (i32.const 0) (i32.const 4096))
    (call $hist_merge (local.get $hist) (local.get $scratch)
      (call $col_stream (local.get $src) (local.get $stride) (local.get $h) (local.get $size) (local.get $isMax)
        (local.get $g) (local.get $hh) (i32.const 2) (local.get $input) (local.get $block) (local.get $w) (local.get $scratch))))

  ;; mode 0: output row y at dst + y·stride (the plane is the block); 1: into `block`, then
  ;; row_ext into out row y (`arg` its buffer); 2: into `block`, then diff_row with row y of
  ;; out (the input) into the histograms at `arg`. Returns the zeros diff_row left uncounted.
  ;; source row y (0 <= y < h) of col_stream: src's own row, or with the ring on (col_row_from)
  ;; the input row's row_ext, made when its slot does not hold it
  (func $src_row (param $src i32) (param $y i32) (param $bytes i32) (result i32)
    (local $slot i32) (local $at i32)
    (if (i32.eqz (global.get $rsOn)) (then (return (i32.add (local.get $src) (i32.mul (local.get $y) (local.get $bytes))))))
    (local.set $slot (i32.rem_u (local.get $y) (global.get $rsR)))
    (local.set $at (i32.add (global.get $rsRing) (i32.mul (local.get $slot) (local.get $bytes))))
    (if (i32.ne (i32.load (i32.add (global.get $rsTags) (i32.shl (local.get $slot) (i32.const 2)))) (local.get $y))
      (then
        (call $row_ext (i32.add (global.get $rsInput) (i32.mul (local.get $y) (local.get $bytes))) (local.get $at)
                       (global.get $rsW) (i32.const 1) (i32.const 0) (global.get $rsSize) (global.get $rsIsMax) (global.get $rsBuf))
        (i32.store (i32.add (global.get $rsTags) (i32.shl (local.get $slot) (i32.const 2))) (local.get $y))))
    (local.get $at))

  ;; A closing's (opening's) first three passes: the input's row pass (row_ext, `size`, `isMax`)
  ;; made a row at a time as the column pass needs it, in a ring of `rows` rows at `ring` (tags:
  ;; `rows` i32 at `tags`; rows >= 2 size - 1, or >= h), the column pass (col_ext), and each
  ;; finished row put through the second filter's row pass (the other extremum) into dst. The
  ;; same rows, so the same floats, with no plane between the passes; `block` holds size rows.
  (func (export "col_row_from") (param $input i32) (param $dst i32) (param $stride i32) (param $w i32) (param $h i32)
        (param $size i32) (param $isMax i32) (param $g i32) (param $hh i32) (param $block i32) (param $buf i32)
        (param $ring i32) (param $tags i32) (param $rows i32)
    (memory.fill (local.get $tags) (i32.const 255) (i32.shl (local.get $rows) (i32.const 2)))
    (global.set $rsOn (i32.const 1))
    (global.set $rsInput (local.get $input))
    (global.set $rsRing (local.get $ring))
    (global.set $rsTags (local.get $tags))
    (global.set $rsR (local.get $rows))
    (global.set $rsBuf (local.get $buf))
    (global.set $rsW (local.get $w))
    (global.set $rsSize (local.get $size))
    (global.set $rsIsMax (local.get $isMax))
    (drop (call $col_stream (local.get $input) (local.get $stride) (local.get $h) (local.get $size) (local.get $isMax)
      (local.get $g) (local.get $hh) (i32.const 1) (local.get $dst) (local.get $block) (local.get $w) (local.get $buf)))
    (global.set $rsOn (i32.const 0)))

  (func $col_stream (param $src i32) (param $stride i32) (param $h i32) (param $size i32) (param $isMax i32)
        (param $g i32) (param $hh i32) (param $mode i32) (param $out i32) (param $block i32) (param $w i32) (param $arg i32)
        (result i32)
    (local $r i32) (local $s0 i32) (local $j i32) (local $jmax i32) (local $y i32)
    (local $bytes i32) (local $fill f32) (local $target i32) (local $prev i32) (local $pFill i32) (local $base i32) (local $zeros i32)
    (local.set $r (i32.shr_u (local.get $size) (i32.const 1)))
    (local.set $bytes (i32.shl (local.get $stride) (i32.const 2)))
    (local.set $fill (select (f32.const -inf) (f32.const inf) (local.get $isMax)))
    (local.set $s0 (i32.const 0))
    (block $bdone
      (loop $blk
        (br_if $bdone (i32.ge_s (local.get $s0) (local.get $h)))
        (local.set $base (select (i32.add (local.get $out) (i32.mul (local.get $s0) (local.get $bytes))) (local.get $block) (i32.eqz (local.get $mode))))
        (local.set $jmax (i32.sub (local.get $h) (local.get $s0)))
        (if (i32.gt_s (local.get $jmax) (local.get $size)) (then (local.set $jmax (local.get $size))))
        ;; the suffix: j = size - 1 down to 0, padded row s0 + j = source row s0 + j - r
        (local.set $j (i32.sub (local.get $size) (i32.const 1)))
        (block $sdone
          (loop $sl
            (br_if $sdone (i32.lt_s (local.get $j) (i32.const 0)))
            (local.set $y (i32.sub (i32.add (local.get $s0) (local.get $j)) (local.get $r)))
            (local.set $target
              (select (i32.add (local.get $base) (i32.mul (local.get $j) (local.get $bytes)))
                      (local.get $g)
                      (i32.lt_s (local.get $j) (local.get $jmax))))
            (if (i32.or (i32.lt_s (local.get $y) (i32.const 0)) (i32.ge_s (local.get $y) (local.get $h)))
              (then
                (if (i32.eq (local.get $j) (i32.sub (local.get $size) (i32.const 1)))
                  (then (call $fill_row (local.get $target) (local.get $fill) (local.get $bytes)))
                  (else (if (i32.ne (local.get $target) (local.get $prev))
                    (then (call $copy_row (local.get $target) (local.get $prev) (local.get $bytes)))))))
              (else
                (if (i32.eq (local.get $j) (i32.sub (local.get $size) (i32.const 1)))
                  (then (call $copy_row (local.get $target) (call $src_row (local.get $src) (local.get $y) (local.get $bytes)) (local.get $bytes)))
                  (else (call $ext_row (local.get $target) (local.get $prev)
                              (call $src_row (local.get $src) (local.get $y) (local.get $bytes)) (local.get $bytes) (local.get $isMax))))))
            (local.set $prev (local.get $target))
            (local.set $j (i32.sub (local.get $j) (i32.const 1)))
            (br $sl)))
        ;; the block's first row is its whole suffix: done
        (local.set $zeros (i32.add (local.get $zeros)
          (call $col_post (local.get $mode) (local.get $base) (local.get $out) (local.get $s0) (local.get $bytes) (local.get $w)
                          (local.get $size) (local.get $isMax) (local.get $arg))))
        ;; the next block's prefix: output row s0 + j takes padded rows s0 + size .. s0 + size + j - 1
        (local.set $pFill (i32.const 1))
        (local.set $j (i32.const 1))
        (block $pdone
          (loop $pl
            (br_if $pdone (i32.ge_s (local.get $j) (local.get $jmax)))
            (local.set $y (i32.sub (i32.add (i32.add (local.get $s0) (local.get $size)) (i32.sub (local.get $j) (i32.const 1))) (local.get $r)))
            (local.set $target (i32.add (local.get $base) (i32.mul (local.get $j) (local.get $bytes))))
            (if (i32.and (i32.ge_s (local.get $y) (i32.const 0)) (i32.lt_s (local.get $y) (local.get $h)))
              (then
                (if (local.get $pFill)
                  (then
                    (call $copy_row (local.get $hh) (call $src_row (local.get $src) (local.get $y) (local.get $bytes)) (local.get $bytes))
                    (call $ext_row (local.get $target) (local.get $target) (local.get $hh) (local.get $bytes) (local.get $isMax)))
                  (else (call $ext_acc (local.get $target) (local.get $hh)
                              (call $src_row (local.get $src) (local.get $y) (local.get $bytes)) (local.get $bytes) (local.get $isMax))))
                (local.set $pFill (i32.const 0)))
              (else
                ;; past the picture the prefix stays as it is (the fill, or the rows before)
                (if (i32.eqz (local.get $pFill))
                  (then (call $ext_row (local.get $target) (local.get $target) (local.get $hh) (local.get $bytes) (local.get $isMax))))))
            (local.set $zeros (i32.add (local.get $zeros)
              (call $col_post (local.get $mode) (local.get $target) (local.get $out) (i32.add (local.get $s0) (local.get $j)) (local.get $bytes) (local.get $w)
                              (local.get $size) (local.get $isMax) (local.get $arg))))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $pl)))
        (local.set $s0 (i32.add (local.get $s0) (local.get $size)))
        (br $blk)))
    (local.get $zeros))

  ;; col_stream's use of its finished output row y (at `row`): see there
  (func $col_post (param $mode i32) (param $row i32) (param $out i32) (param $y i32) (param $bytes i32) (param $w i32)
        (param $size i32) (param $isMax i32) (param $arg i32) (result i32)
    (local $o i32)
    (if (i32.eqz (local.get $mode)) (then (return (i32.const 0))))
    (local.set $o (i32.add (local.get $out) (i32.mul (local.get $y) (local.get $bytes))))
    (if (i32.eq (local.get $mode) (i32.const 1))
      (then
        (call $row_ext (local.get $row) (local.get $o) (local.get $w) (i32.const 1) (i32.const 0) (local.get $size)
                       (i32.sub (i32.const 1) (local.get $isMax)) (local.get $arg))
        (return (i32.const 0))))
    (if (result i32) (local.get $isMax)
      (then (call $diff_row (local.get $o) (local.get $row) (local.get $w) (local.get $arg)))
      (else (call $diff_row (local.get $row) (local.get $o) (local.get $w) (local.get $arg)))))

  ;; row_ext: the same running extremum along the rows of a w×h plane (rows `stride` floats apart,
  ;; a multiple of 4; the pad columns get junk): each row is copied into `buf` between fill values
  ;; (±inf), then buf[i] = ext(buf[i], buf[i + s]) for s = 1, 2, 4, … below a power of two m,
  ;; in place, four at a time, so that buf[i] is the extremum of m samples from i; pixel x is
  ;; ext(buf[x], buf[x + mid], buf[x + size - m]), its whole window: m the largest power of two
  ;; ≤ size and mid 0, or half that when three such runs still cover the window (size ≤ 3m/2:
  ;; the polarity windows 3·2^j − 1), mid = m, one doubling pass fewer. The extremum of the
  ;; same samples as the van Herk pass, so the same float, with no transposing and all in the cache.
  (func $row_ext (export "row_ext") (param $src i32) (param $dst i32) (param $w i32) (param $h i32) (param $stride i32)
        (param $size i32) (param $isMax i32) (param $buf i32)
    (local $r i32) (local $m i32) (local $len i32) (local $fillEnd i32) (local $y i32) (local $s i32) (local $i i32)
    (local $x i32) (local $fill v128) (local $rowS i32) (local $rowD i32) (local $off i32) (local $sb i32) (local $end i32)
    (local $mid i32)
    (local.set $r (i32.shr_u (local.get $size) (i32.const 1)))
    (local.set $m (i32.const 1))
    (block $mdone
      (loop $ml
        (br_if $mdone (i32.gt_s (i32.shl (local.get $m) (i32.const 1)) (local.get $size)))
        (local.set $m (i32.shl (local.get $m) (i32.const 1)))
        (br $ml)))
    (if (i32.and (i32.ge_s (local.get $m) (i32.const 2)) (i32.le_s (local.get $size) (i32.mul (i32.shr_u (local.get $m) (i32.const 1)) (i32.const 3))))
      (then
        (local.set $m (i32.shr_u (local.get $m) (i32.const 1)))
        (local.set $mid (i32.shl (local.get $m) (i32.const 2)))))
    (local.set $off (i32.shl (i32.sub (local.get $size) (local.get $m)) (i32.const 2)))
    (local.set $len (i32.shl (i32.add (local.get $w) (i32.shl (local.get $r) (i32.const 1))) (i32.const 2)))
    (local.set $end (i32.add (local.get $buf) (local.get $len)))
    (local.set $fillEnd (i32.add (local.get $buf) (i32.and (i32.add (i32.add (local.get $len) (i32.shl (local.get $size) (i32.const 2))) (i32.const 47)) (i32.const -16))))
    (local.set $fill (f32x4.splat (select (f32.const -inf) (f32.const inf) (local.get $isMax))))
    (local.set $y (i32.const 0))
    (block $ydone
      (loop $yl
        (br_if $ydone (i32.ge_s (local.get $y) (local.get $h)))
        (local.set $rowS (i32.add (local.get $src) (i32.shl (i32.mul (local.get $y) (local.get $stride)) (i32.const 2))))
        (local.set $rowD (i32.add (local.get $dst) (i32.shl (i32.mul (local.get $y) (local.get $stride)) (i32.const 2))))
        ;; the fill before the row (its last store may run into the row, copied over next) and after it
        (local.set $i (local.get $buf))
        (block $fdone
          (loop $fl
            (br_if $fdone (i32.ge_u (local.get $i) (i32.add (local.get $buf) (i32.shl (local.get $r) (i32.const 2)))))
            (v128.store (local.get $i) (local.get $fill))
            (local.set $i (i32.add (local.get $i) (i32.const 16)))
            (br $fl)))
        (memory.copy (i32.add (local.get $buf) (i32.shl (local.get $r) (i32.const 2))) (local.get $rowS) (i32.shl (local.get $w) (i32.const 2)))
        (local.set $i (i32.add (local.get $buf) (i32.shl (i32.add (local.get $r) (local.get $w)) (i32.const 2))))
        (block $f2done
          (loop $f2l
            (br_if $f2done (i32.ge_u (local.get $i) (local.get $fillEnd)))
            (v128.store (local.get $i) (local.get $fill))
            (local.set $i (i32.add (local.get $i) (i32.const 16)))
            (br $f2l)))
        (local.set $s (i32.const 1))
        (block $sdone
          (loop $sl
            (br_if $sdone (i32.ge_s (local.get $s) (local.get $m)))
            (local.set $sb (i32.shl (local.get $s) (i32.const 2)))
            (local.set $i (local.get $buf))
            (if (local.get $isMax)
              (then
                (block $d1
                  (loop $l1
                    (br_if $d1 (i32.ge_u (local.get $i) (local.get $end)))
                    (v128.store (local.get $i) (f32x4.pmax (v128.load (local.get $i)) (v128.load (i32.add (local.get $i) (local.get $sb)))))
                    (local.set $i (i32.add (local.get $i) (i32.const 16)))
                    (br $l1))))
              (else
                (block $d2
                  (loop $l2
                    (br_if $d2 (i32.ge_u (local.get $i) (local.get $end)))
                    (v128.store (local.get $i) (f32x4.pmin (v128.load (local.get $i)) (v128.load (i32.add (local.get $i) (local.get $sb)))))
                    (local.set $i (i32.add (local.get $i) (i32.const 16)))
                    (br $l2)))))
            (local.set $s (i32.shl (local.get $s) (i32.const 1)))
            (br $sl)))
        (local.set $x (i32.const 0))
        (if (local.get $isMax)
          (then
            (block $o1
              (loop $ol1
                (br_if $o1 (i32.ge_s (local.get $x) (i32.shl (local.get $w) (i32.const 2))))
                (v128.store (i32.add (local.get $rowD) (local.get $x))
                  (f32x4.pmax (f32x4.pmax (v128.load (i32.add (local.get $buf) (local.get $x))) (v128.load (i32.add (i32.add (local.get $buf) (local.get $x)) (local.get $mid))))
                              (v128.load (i32.add (i32.add (local.get $buf) (local.get $x)) (local.get $off)))))
                (local.set $x (i32.add (local.get $x) (i32.const 16)))
                (br $ol1))))
          (else
            (block $o2
              (loop $ol2
                (br_if $o2 (i32.ge_s (local.get $x) (i32.shl (local.get $w) (i32.const 2))))
                (v128.store (i32.add (local.get $rowD) (local.get $x))
                  (f32x4.pmin (f32x4.pmin (v128.load (i32.add (local.get $buf) (local.get $x))) (v128.load (i32.add (i32.add (local.get $buf) (local.get $x)) (local.get $mid))))
                              (v128.load (i32.add (i32.add (local.get $buf) (local.get $x)) (local.get $off)))))
                (local.set $x (i32.add (local.get $x) (i32.const 16)))
                (br $ol2)))))
        (local.set $y (i32.add (local.get $y) (i32.const 1)))
        (br $yl))))

  ;; the sum of the sixteen unsigned bytes of v
  (func $sum_u8 (param $v v128) (result i32)
    (local $s v128)
    (local.set $s (i32x4.extadd_pairwise_i16x8_u (i16x8.extadd_pairwise_i8x16_u (local.get $v))))
    (i32.add (i32.add (i32x4.extract_lane 0 (local.get $s)) (i32x4.extract_lane 1 (local.get $s)))
             (i32.add (i32x4.extract_lane 2 (local.get $s)) (i32x4.extract_lane 3 (local.get $s)))))

  ;; hist[i32] += 1 at clampByte(a - b) for the w×h picture in planes a and b (rows `stride` floats
  ;; apart, stride a multiple of 4; the pad columns are not counted): the difference in f64 (exact
  ;; for two float32s), then 0 below 0, 255 from 255 up, else trunc(d + 0.5), which is
  ;; Math.floor(d + 0.5) for 0 < d < 255 — done as trunc(min(max(d + 0.5, 0), 255)), the same bin
  ;; for every d: the top-hat histograms of polarity.ts. Four pixels at a time, each of the four
  ;; lanes counted in its own histogram of `scratch` (4 × 256 i32; a run of equal bins no longer
  ;; waits on its own previous increment), added into `hist` at the end. Whole groups of sixteen
  ;; go faster (below); `scratch` needs 16 bytes more (4112).
  (func (export "diff_hist") (param $a i32) (param $b i32) (param $w i32) (param $h i32) (param $stride i32) (param $hist i32) (param $scratch i32)
    (local $y i32) (local $zeros i32)
    (memory.fill (local.get $scratch) (i32.const 0) (i32.const 4096))
    (local.set $y (i32.const 0))
    (block $ydone
      (loop $yl
        (br_if $ydone (i32.ge_s (local.get $y) (local.get $h)))
        (local.set $zeros (i32.add (local.get $zeros) (call $diff_row
          (i32.add (local.get $a) (i32.shl (i32.mul (local.get $y) (local.get $stride)) (i32.const 2)))
          (i32.add (local.get $b) (i32.shl (i32.mul (local.get $y) (local.get $stride)) (i32.const 2)))
          (local.get $w) (local.get $scratch))))
        (local.set $y (i32.add (local.get $y) (i32.const 1)))
        (br $yl)))
    (call $hist_merge (local.get $hist) (local.get $scratch) (local.get $zeros)))

  ;; diff_hist's counts of one row (w pixels at ra and rb) into the four histograms of `scratch`;
  ;; returns the zeros it did not count there (diff_hist adds them to bin 0 at the end)
  (func $diff_row (param $ra i32) (param $rb i32) (param $w i32) (param $scratch i32) (result i32)
    (local $x i32) (local $va v128) (local $vb v128)
    (local $lo v128) (local $hi v128) (local $half v128) (local $top v128) (local $zero v128) (local $i i32) (local $w4 i32)
    (local $bins v128) (local $raw v128) (local $zeros i32)
    (local $pa i32) (local $pb i32) (local $v16 v128) (local $m i32) (local $c0 v128) (local $c1 v128) (local $c2 v128) (local $c3 v128) (local $c4 v128) (local $c5 v128) (local $c6 v128) (local $c7 v128)
    (local.set $half (f64x2.splat (f64.const 0.5)))
    (local.set $top (f64x2.splat (f64.const 255)))
    (local.set $zero (f64x2.splat (f64.const 0)))
    (local.set $w4 (i32.and (local.get $w) (i32.const -4)))
        (local.set $x (i32.const 0))
        ;; sixteen pixels at a time while whole groups of sixteen are left: their bins as bytes
        ;; (0..255, exact), bins 0..7 counted in byte lanes ($c0..$c7, at most one per lane per
        ;; step, added to lane 0's histogram at the row's end), higher bins one by one
        (local.set $pa (local.get $ra))
        (local.set $pb (local.get $rb))
        (block $fdone
          (loop $fl
            (br_if $fdone (i32.gt_s (i32.add (local.get $x) (i32.const 16)) (local.get $w)))
            (local.set $v16 (i8x16.narrow_i16x8_u
              (i16x8.narrow_i32x4_u (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
                (i32x4.trunc_sat_f64x2_s_zero (f64x2.pmin (local.get $top) (f64x2.pmax (local.get $zero) (f64x2.add (local.get $half)
                  (f64x2.sub (f64x2.promote_low_f32x4 (local.tee $va (v128.load offset=0 (local.get $pa)))) (f64x2.promote_low_f32x4 (local.tee $vb (v128.load offset=0 (local.get $pb)))))))))
                (i32x4.trunc_sat_f64x2_s_zero (f64x2.pmin (local.get $top) (f64x2.pmax (local.get $zero) (f64x2.add (local.get $half)
                  (f64x2.sub (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $va) (local.get $va)))
                             (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $vb) (local.get $vb))))))))) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
                (i32x4.trunc_sat_f64x2_s_zero (f64x2.pmin (local.get $top) (f64x2.pmax (local.get $zero) (f64x2.add (local.get $half)
                  (f64x2.sub (f64x2.promote_low_f32x4 (local.tee $va (v128.load offset=16 (local.get $pa)))) (f64x2.promote_low_f32x4 (local.tee $vb (v128.load offset=16 (local.get $pb)))))))))
                (i32x4.trunc_sat_f64x2_s_zero (f64x2.pmin (local.get $top) (f64x2.pmax (local.get $zero) (f64x2.add (local.get $half)
                  (f64x2.sub (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $va) (local.get $va)))
                             (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $vb) (local.get $vb))))))))))
              (i16x8.narrow_i32x4_u (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
                (i32x4.trunc_sat_f64x2_s_zero (f64x2.pmin (local.get $top) (f64x2.pmax (local.get $zero) (f64x2.add (local.get $half)
                  (f64x2.sub (f64x2.promote_low_f32x4 (local.tee $va (v128.load offset=32 (local.get $pa)))) (f64x2.promote_low_f32x4 (local.tee $vb (v128.load offset=32 (local.get $pb)))))))))
                (i32x4.trunc_sat_f64x2_s_zero (f64x2.pmin (local.get $top) (f64x2.pmax (local.get $zero) (f64x2.add (local.get $half)
                  (f64x2.sub (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $va) (local.get $va)))
                             (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $vb) (local.get $vb))))))))) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
                (i32x4.trunc_sat_f64x2_s_zero (f64x2.pmin (local.get $top) (f64x2.pmax (local.get $zero) (f64x2.add (local.get $half)
                  (f64x2.sub (f64x2.promote_low_f32x4 (local.tee $va (v128.load offset=48 (local.get $pa)))) (f64x2.promote_low_f32x4 (local.tee $vb (v128.load offset=48 (local.get $pb)))))))))
                (i32x4.trunc_sat_f64x2_s_zero (f64x2.pmin (local.get $top) (f64x2.pmax (local.get $zero) (f64x2.add (local.get $half)
                  (f64x2.sub (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $va) (local.get $va)))
                             (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $vb) (local.get $vb))))))))))))
            (if (v128.any_true (local.get $v16))
              (then
                (local.set $c0 (i8x16.sub (local.get $c0) (i8x16.eq (local.get $v16) (i8x16.splat (i32.const 0)))))
                (local.set $c1 (i8x16.sub (local.get $c1) (i8x16.eq (local.get $v16) (i8x16.splat (i32.const 1)))))
                (local.set $c2 (i8x16.sub (local.get $c2) (i8x16.eq (local.get $v16) (i8x16.splat (i32.const 2)))))
                (local.set $c3 (i8x16.sub (local.get $c3) (i8x16.eq (local.get $v16) (i8x16.splat (i32.const 3)))))
                (local.set $c4 (i8x16.sub (local.get $c4) (i8x16.eq (local.get $v16) (i8x16.splat (i32.const 4)))))
                (local.set $c5 (i8x16.sub (local.get $c5) (i8x16.eq (local.get $v16) (i8x16.splat (i32.const 5)))))
                (local.set $c6 (i8x16.sub (local.get $c6) (i8x16.eq (local.get $v16) (i8x16.splat (i32.const 6)))))
                (local.set $c7 (i8x16.sub (local.get $c7) (i8x16.eq (local.get $v16) (i8x16.splat (i32.const 7)))))
                (local.set $m (i8x16.bitmask (i8x16.gt_u (local.get $v16) (i8x16.splat (i32.const 7)))))
                (if (local.get $m)
                  (then
                    (v128.store offset=4096 (local.get $scratch) (local.get $v16))
                    (block $mdone
                      (loop $ml
                        (br_if $mdone (i32.eqz (local.get $m)))
                        (local.set $i (i32.add (local.get $scratch)
                          (i32.shl (i32.load8_u offset=4096 (i32.add (local.get $scratch) (i32.ctz (local.get $m)))) (i32.const 2))))
                        (i32.store (local.get $i) (i32.add (i32.load (local.get $i)) (i32.const 1)))
                        (local.set $m (i32.and (local.get $m) (i32.sub (local.get $m) (i32.const 1))))
                        (br $ml))))))
              (else (local.set $zeros (i32.add (local.get $zeros) (i32.const 16)))))
            (local.set $pa (i32.add (local.get $pa) (i32.const 64)))
            (local.set $pb (i32.add (local.get $pb) (i32.const 64)))
            (local.set $x (i32.add (local.get $x) (i32.const 16)))
            (br $fl)))
        (i32.store offset=0 (local.get $scratch) (i32.add (i32.load offset=0 (local.get $scratch)) (call $sum_u8 (local.get $c0))))
        (local.set $c0 (v128.const i32x4 0 0 0 0))
        (i32.store offset=4 (local.get $scratch) (i32.add (i32.load offset=4 (local.get $scratch)) (call $sum_u8 (local.get $c1))))
        (local.set $c1 (v128.const i32x4 0 0 0 0))
        (i32.store offset=8 (local.get $scratch) (i32.add (i32.load offset=8 (local.get $scratch)) (call $sum_u8 (local.get $c2))))
        (local.set $c2 (v128.const i32x4 0 0 0 0))
        (i32.store offset=12 (local.get $scratch) (i32.add (i32.load offset=12 (local.get $scratch)) (call $sum_u8 (local.get $c3))))
        (local.set $c3 (v128.const i32x4 0 0 0 0))
        (i32.store offset=16 (local.get $scratch) (i32.add (i32.load offset=16 (local.get $scratch)) (call $sum_u8 (local.get $c4))))
        (local.set $c4 (v128.const i32x4 0 0 0 0))
        (i32.store offset=20 (local.get $scratch) (i32.add (i32.load offset=20 (local.get $scratch)) (call $sum_u8 (local.get $c5))))
        (local.set $c5 (v128.const i32x4 0 0 0 0))
        (i32.store offset=24 (local.get $scratch) (i32.add (i32.load offset=24 (local.get $scratch)) (call $sum_u8 (local.get $c6))))
        (local.set $c6 (v128.const i32x4 0 0 0 0))
        (i32.store offset=28 (local.get $scratch) (i32.add (i32.load offset=28 (local.get $scratch)) (call $sum_u8 (local.get $c7))))
        (local.set $c7 (v128.const i32x4 0 0 0 0))
        ;; the rest of the row four at a time
        (block $xdone
          (loop $xl
            (br_if $xdone (i32.ge_s (local.get $x) (local.get $w)))
            (local.set $va (v128.load (i32.add (local.get $ra) (i32.shl (local.get $x) (i32.const 2)))))
            (local.set $vb (v128.load (i32.add (local.get $rb) (i32.shl (local.get $x) (i32.const 2)))))
            (local.set $lo (f64x2.sub (f64x2.promote_low_f32x4 (local.get $va)) (f64x2.promote_low_f32x4 (local.get $vb))))
            (local.set $hi (f64x2.sub
              (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $va) (local.get $va)))
              (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $vb) (local.get $vb)))))
            (local.set $lo (i32x4.trunc_sat_f64x2_s_zero
              (f64x2.pmin (local.get $top) (f64x2.pmax (local.get $zero) (f64x2.add (local.get $lo) (local.get $half))))))
            (local.set $hi (i32x4.trunc_sat_f64x2_s_zero
              (f64x2.pmin (local.get $top) (f64x2.pmax (local.get $zero) (f64x2.add (local.get $hi) (local.get $half))))))
            ;; bins of the four lanes, ×4 bytes, each in its own histogram
            (local.set $raw (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $lo) (local.get $hi)))
            (local.set $bins (i32x4.add
              (i32x4.shl (local.get $raw) (i32.const 2))
              (v128.const i32x4 0 1024 2048 3072)))
            (local.set $bins (i32x4.add (local.get $bins) (i32x4.splat (local.get $scratch))))
            (if (i32.and (i32.lt_s (local.get $x) (local.get $w4)) (i32.eqz (v128.any_true (local.get $raw))))
              (then
                ;; four zeros (most of a picture: no narrow structure there), counted at the end
                (local.set $zeros (i32.add (local.get $zeros) (i32.const 4))))
            (else (if (i32.lt_s (local.get $x) (local.get $w4))
              (then
                (local.set $i (i32x4.extract_lane 0 (local.get $bins))) (i32.store (local.get $i) (i32.add (i32.load (local.get $i)) (i32.const 1)))
                (local.set $i (i32x4.extract_lane 1 (local.get $bins))) (i32.store (local.get $i) (i32.add (i32.load (local.get $i)) (i32.const 1)))
                (local.set $i (i32x4.extract_lane 2 (local.get $bins))) (i32.store (local.get $i) (i32.add (i32.load (local.get $i)) (i32.const 1)))
                (local.set $i (i32x4.extract_lane 3 (local.get $bins))) (i32.store (local.get $i) (i32.add (i32.load (local.get $i)) (i32.const 1))))
              (else
                ;; the last, partial group of the row: its first w - x lanes only
                (local.set $i (i32x4.extract_lane 0 (local.get $bins))) (i32.store (local.get $i) (i32.add (i32.load (local.get $i)) (i32.const 1)))
                (if (i32.gt_s (i32.sub (local.get $w) (local.get $x)) (i32.const 1))
                  (then (local.set $i (i32x4.extract_lane 1 (local.get $bins))) (i32.store (local.get $i) (i32.add (i32.load (local.get $i)) (i32.const 1)))))
                (if (i32.gt_s (i32.sub (local.get $w) (local.get $x)) (i32.const 2))
                  (then (local.set $i (i32x4.extract_lane 2 (local.get $bins))) (i32.store (local.get $i) (i32.add (i32.load (local.get $i)) (i32.const 1)))))))))
            (local.set $x (i32.add (local.get $x) (i32.const 4)))
            (br $xl)))
    (local.get $zeros))

  ;; hist[256] += the four histograms of `scratch`, and `zeros` more in bin 0
  (func $hist_merge (param $hist i32) (param $scratch i32) (param $zeros i32)
    (local $i i32)
    (local.set $i (i32.const 0))
    (block $sdone
      (loop $sl
        (br_if $sdone (i32.ge_u (local.get $i) (i32.const 1024)))
        (i32.store (i32.add (local.get $hist) (local.get $i))
          (i32.add (i32.load (i32.add (local.get $hist) (local.get $i)))
            (i32.add
              (i32.add (i32.load (i32.add (local.get $scratch) (local.get $i))) (i32.load (i32.add (local.get $scratch) (i32.add (local.get $i) (i32.const 1024)))))
              (i32.add (i32.load (i32.add (local.get $scratch) (i32.add (local.get $i) (i32.const 2048)))) (i32.load (i32.add (local.get $scratch) (i32.add (local.get $i) (i32.const 3072))))))))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $sl)))
    (i32.store (local.get $hist) (i32.add (i32.load (local.get $hist)) (local.get $zeros))))


  ;; Box blur, the mean over a window of 2r+1 clamped at the borders, as box_blur in morphology.ts:
  ;; prefix sums in f64, (sum[b] - sum[a]) / (b - a), stored as f32 (the same operations in the
  ;; same order, so the same floats). Planes are dense w×h (no padding); `line` holds 2 × (w+1) f64,
  ;; `prefix` (h+1)×w f64 and one more. box_cols runs two columns at a time (f64x2, each lane its
  ;; own column's sums): an odd w writes one value past each row, which the next row overwrites.
  ;; box_rows does two rows at a time (lane 0 row y, lane 1 row y + 1: each lane its own row's
  ;; sums, so `line` holds 2 × (w+1) f64, interleaved), and an odd last row alone.
  (func (export "box_rows") (param $src i32) (param $dst i32) (param $w i32) (param $h i32) (param $r i32) (param $line i32)
    (local $y i32) (local $x i32) (local $row i32) (local $a i32) (local $b i32) (local $wb i32) (local $acc v128) (local $q v128)
    (local.set $wb (i32.shl (local.get $w) (i32.const 2)))
    (local.set $y (i32.const 0))
    (block $pairs
      (loop $pl2
        (br_if $pairs (i32.ge_s (i32.add (local.get $y) (i32.const 1)) (local.get $h)))
        (local.set $row (i32.mul (local.get $y) (local.get $wb)))
        (local.set $acc (f64x2.splat (f64.const 0)))
        (v128.store (local.get $line) (local.get $acc))
        (local.set $x (i32.const 0))
        (block $sdone
          (loop $sl
            (br_if $sdone (i32.ge_s (local.get $x) (local.get $w)))
            (local.set $a (i32.add (i32.add (local.get $src) (local.get $row)) (i32.shl (local.get $x) (i32.const 2))))
            (local.set $acc (f64x2.add (local.get $acc)
              (f64x2.promote_low_f32x4 (v128.load32_lane 1 (i32.add (local.get $a) (local.get $wb)) (v128.load32_zero (local.get $a))))))
            (v128.store (i32.add (local.get $line) (i32.shl (i32.add (local.get $x) (i32.const 1)) (i32.const 4))) (local.get $acc))
            (local.set $x (i32.add (local.get $x) (i32.const 1)))
            (br $sl)))
        (local.set $x (i32.const 0))
        (block $odone2
          (loop $ol2
            (br_if $odone2 (i32.ge_s (local.get $x) (local.get $w)))
            (local.set $a (select (i32.sub (local.get $x) (local.get $r)) (i32.const 0) (i32.gt_s (i32.sub (local.get $x) (local.get $r)) (i32.const 0))))
            (local.set $b (select (i32.add (i32.add (local.get $x) (local.get $r)) (i32.const 1)) (local.get $w)
                                  (i32.lt_s (i32.add (i32.add (local.get $x) (local.get $r)) (i32.const 1)) (local.get $w))))
            (local.set $q (f32x4.demote_f64x2_zero
              (f64x2.div
                (f64x2.sub (v128.load (i32.add (local.get $line) (i32.shl (local.get $b) (i32.const 4))))
                           (v128.load (i32.add (local.get $line) (i32.shl (local.get $a) (i32.const 4)))))
                (f64x2.splat (f64.convert_i32_s (i32.sub (local.get $b) (local.get $a)))))))
            (local.set $a (i32.add (i32.add (local.get $dst) (local.get $row)) (i32.shl (local.get $x) (i32.const 2))))
            (v128.store32_lane 0 (local.get $a) (local.get $q))
            (v128.store32_lane 1 (i32.add (local.get $a) (local.get $wb)) (local.get $q))
            (local.set $x (i32.add (local.get $x) (i32.const 1)))
            (br $ol2)))
        (local.set $y (i32.add (local.get $y) (i32.const 2)))
        (br $pl2)))
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
            (v128.store (i32.add (i32.add (local.get $o) (local.get $wb)) (i32.shl (local.get $x) (i32.const 3)))
              (f64x2.add (v128.load (i32.add (local.get $o) (i32.shl (local.get $x) (i32.const 3))))
                         (f64x2.promote_low_f32x4 (v128.load64_zero (i32.add (local.get $q) (i32.shl (local.get $x) (i32.const 2)))))))
            (local.set $x (i32.add (local.get $x) (i32.const 2)))
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
            (v128.store64_lane 0 (i32.add (local.get $q) (i32.shl (local.get $x) (i32.const 2)))
              (f32x4.demote_f64x2_zero
                (f64x2.div
                  (f64x2.sub (v128.load (i32.add (local.get $b) (i32.shl (local.get $x) (i32.const 3))))
                             (v128.load (i32.add (local.get $a) (i32.shl (local.get $x) (i32.const 3)))))
                  (f64x2.splat (local.get $n)))))
            (local.set $x (i32.add (local.get $x) (i32.const 2)))
            (br $x2l)))
        (local.set $y (i32.add (local.get $y) (i32.const 1)))
        (br $y2l))))

  ;; The Hough counts of lines.ts: for each listed pixel k (indices in `list`, or 0..n-1 when list
  ;; is 0) and each angle a < angles (a multiple of 4: the caller pads with angles whose bins land
  ;; in rows of their own), hist[a * size + floor(ys[k] * cos[a] - xs[k] * sin[a] + 0.5) + reach] += delta.
  ;; f64 arithmetic in the same order as the TypeScript (the same bins), eight angles at a time
  ;; (a pixel's coordinates loaded once for eight; consecutive increments fall in eight rows, which
  ;; stay in the cache), the last four on their own when angles is not a multiple of 8.
  ;; xs, ys, list are i32 arrays, cos, sin f64 arrays, hist i32.
  (func (export "hough_add") (param $xs i32) (param $ys i32) (param $list i32) (param $n i32) (param $cos i32) (param $sin i32)
        (param $angles i32) (param $hist i32) (param $size i32) (param $reach i32) (param $delta i32)
    (local $a i32)
    (local.set $a (i32.const 0))
    (block $done
      (loop $eights
        (br_if $done (i32.gt_s (i32.add (local.get $a) (i32.const 8)) (local.get $angles)))
        (call $hough8 (local.get $xs) (local.get $ys) (local.get $list) (local.get $n) (local.get $cos) (local.get $sin)
          (local.get $a) (local.get $hist) (local.get $size) (local.get $reach) (local.get $delta))
        (local.set $a (i32.add (local.get $a) (i32.const 8)))
        (br $eights)))
    (if (i32.lt_s (local.get $a) (local.get $angles))
      (then
        (call $hough4 (local.get $xs) (local.get $ys) (local.get $list) (local.get $n) (local.get $cos) (local.get $sin)
          (local.get $a) (local.get $hist) (local.get $size) (local.get $reach) (local.get $delta)))))

  ;; One group of eight (hough8) or four (hough4) angles from a: each pixel's bins, then its increments.
  (func $hough8 (param $xs i32) (param $ys i32) (param $list i32) (param $n i32) (param $cos i32) (param $sin i32)
        (param $a i32) (param $hist i32) (param $size i32) (param $reach i32) (param $delta i32)
    (local $t i32) (local $k i32) (local $row i32) (local $rb i32) (local $s i32) (local $row1 i32) (local $row2 i32) (local $row3 i32) (local $row4 i32) (local $row5 i32) (local $row6 i32) (local $row7 i32)
    (local $c0 v128) (local $s0 v128) (local $c1 v128) (local $s1 v128) (local $c2 v128) (local $s2 v128) (local $c3 v128) (local $s3 v128) (local $r0 v128) (local $r1 v128) (local $half v128) (local $vy v128) (local $vx v128)
    (local.set $half (f64x2.splat (f64.const 0.5)))
    (local.set $rb (i32.shl (local.get $size) (i32.const 2)))
    (local.set $c0 (v128.load offset=0 (i32.add (local.get $cos) (i32.shl (local.get $a) (i32.const 3)))))
    (local.set $s0 (v128.load offset=0 (i32.add (local.get $sin) (i32.shl (local.get $a) (i32.const 3)))))
    (local.set $c1 (v128.load offset=16 (i32.add (local.get $cos) (i32.shl (local.get $a) (i32.const 3)))))
    (local.set $s1 (v128.load offset=16 (i32.add (local.get $sin) (i32.shl (local.get $a) (i32.const 3)))))
    (local.set $c2 (v128.load offset=32 (i32.add (local.get $cos) (i32.shl (local.get $a) (i32.const 3)))))
    (local.set $s2 (v128.load offset=32 (i32.add (local.get $sin) (i32.shl (local.get $a) (i32.const 3)))))
    (local.set $c3 (v128.load offset=48 (i32.add (local.get $cos) (i32.shl (local.get $a) (i32.const 3)))))
    (local.set $s3 (v128.load offset=48 (i32.add (local.get $sin) (i32.shl (local.get $a) (i32.const 3)))))
    (local.set $row (i32.add (local.get $hist) (i32.shl (i32.add (i32.mul (local.get $a) (local.get $size)) (local.get $reach)) (i32.const 2))))
    (local.set $row1 (i32.add (local.get $row) (i32.mul (local.get $rb) (i32.const 1))))
    (local.set $row2 (i32.add (local.get $row) (i32.mul (local.get $rb) (i32.const 2))))
    (local.set $row3 (i32.add (local.get $row) (i32.mul (local.get $rb) (i32.const 3))))
    (local.set $row4 (i32.add (local.get $row) (i32.mul (local.get $rb) (i32.const 4))))
    (local.set $row5 (i32.add (local.get $row) (i32.mul (local.get $rb) (i32.const 5))))
    (local.set $row6 (i32.add (local.get $row) (i32.mul (local.get $rb) (i32.const 6))))
    (local.set $row7 (i32.add (local.get $row) (i32.mul (local.get $rb) (i32.const 7))))
    (local.set $t (i32.const 0))
    (block $kdone
      (loop $kl
        (br_if $kdone (i32.ge_s (local.get $t) (local.get $n)))
        (local.set $k (if (result i32) (local.get $list)
          (then (i32.load (i32.add (local.get $list) (i32.shl (local.get $t) (i32.const 2)))))
          (else (local.get $t))))
        (local.set $vy (f64x2.splat (f64.convert_i32_s (i32.load (i32.add (local.get $ys) (i32.shl (local.get $k) (i32.const 2)))))))
        (local.set $vx (f64x2.splat (f64.convert_i32_s (i32.load (i32.add (local.get $xs) (i32.shl (local.get $k) (i32.const 2)))))))
        ;; the bins of angles a.. (byte offsets in their rows)
        (local.set $r0 (i32x4.shl (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
          (i32x4.trunc_sat_f64x2_s_zero (f64x2.floor (f64x2.add
            (f64x2.sub (f64x2.mul (local.get $vy) (local.get $c0)) (f64x2.mul (local.get $vx) (local.get $s0))) (local.get $half))))
          (i32x4.trunc_sat_f64x2_s_zero (f64x2.floor (f64x2.add
            (f64x2.sub (f64x2.mul (local.get $vy) (local.get $c1)) (f64x2.mul (local.get $vx) (local.get $s1))) (local.get $half)))))
          (i32.const 2)))
        (local.set $r1 (i32x4.shl (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
          (i32x4.trunc_sat_f64x2_s_zero (f64x2.floor (f64x2.add
            (f64x2.sub (f64x2.mul (local.get $vy) (local.get $c2)) (f64x2.mul (local.get $vx) (local.get $s2))) (local.get $half))))
          (i32x4.trunc_sat_f64x2_s_zero (f64x2.floor (f64x2.add
            (f64x2.sub (f64x2.mul (local.get $vy) (local.get $c3)) (f64x2.mul (local.get $vx) (local.get $s3))) (local.get $half)))))
          (i32.const 2)))
        (local.set $s (i32.add (local.get $row) (i32x4.extract_lane 0 (local.get $r0))))
        (i32.store (local.get $s) (i32.add (i32.load (local.get $s)) (local.get $delta)))
        (local.set $s (i32.add (local.get $row1) (i32x4.extract_lane 1 (local.get $r0))))
        (i32.store (local.get $s) (i32.add (i32.load (local.get $s)) (local.get $delta)))
        (local.set $s (i32.add (local.get $row2) (i32x4.extract_lane 2 (local.get $r0))))
        (i32.store (local.get $s) (i32.add (i32.load (local.get $s)) (local.get $delta)))
        (local.set $s (i32.add (local.get $row3) (i32x4.extract_lane 3 (local.get $r0))))
        (i32.store (local.get $s) (i32.add (i32.load (local.get $s)) (local.get $delta)))
        (local.set $s (i32.add (local.get $row4) (i32x4.extract_lane 0 (local.get $r1))))
        (i32.store (local.get $s) (i32.add (i32.load (local.get $s)) (local.get $delta)))
        (local.set $s (i32.add (local.get $row5) (i32x4.extract_lane 1 (local.get $r1))))
        (i32.store (local.get $s) (i32.add (i32.load (local.get $s)) (local.get $delta)))
        (local.set $s (i32.add (local.get $row6) (i32x4.extract_lane 2 (local.get $r1))))
        (i32.store (local.get $s) (i32.add (i32.load (local.get $s)) (local.get $delta)))
        (local.set $s (i32.add (local.get $row7) (i32x4.extract_lane 3 (local.get $r1))))
        (i32.store (local.get $s) (i32.add (i32.load (local.get $s)) (local.get $delta)))
        (local.set $t (i32.add (local.get $t) (i32.const 1)))
        (br $kl))))

  (func $hough4 (param $xs i32) (param $ys i32) (param $list i32) (param $n i32) (param $cos i32) (param $sin i32)
        (param $a i32) (param $hist i32) (param $size i32) (param $reach i32) (param $delta i32)
    (local $t i32) (local $k i32) (local $row i32) (local $rb i32) (local $s i32) (local $row1 i32) (local $row2 i32) (local $row3 i32)
    (local $c0 v128) (local $s0 v128) (local $c1 v128) (local $s1 v128) (local $r0 v128) (local $half v128) (local $vy v128) (local $vx v128)
    (local.set $half (f64x2.splat (f64.const 0.5)))
    (local.set $rb (i32.shl (local.get $size) (i32.const 2)))
    (local.set $c0 (v128.load offset=0 (i32.add (local.get $cos) (i32.shl (local.get $a) (i32.const 3)))))
    (local.set $s0 (v128.load offset=0 (i32.add (local.get $sin) (i32.shl (local.get $a) (i32.const 3)))))
    (local.set $c1 (v128.load offset=16 (i32.add (local.get $cos) (i32.shl (local.get $a) (i32.const 3)))))
    (local.set $s1 (v128.load offset=16 (i32.add (local.get $sin) (i32.shl (local.get $a) (i32.const 3)))))
    (local.set $row (i32.add (local.get $hist) (i32.shl (i32.add (i32.mul (local.get $a) (local.get $size)) (local.get $reach)) (i32.const 2))))
    (local.set $row1 (i32.add (local.get $row) (i32.mul (local.get $rb) (i32.const 1))))
    (local.set $row2 (i32.add (local.get $row) (i32.mul (local.get $rb) (i32.const 2))))
    (local.set $row3 (i32.add (local.get $row) (i32.mul (local.get $rb) (i32.const 3))))
    (local.set $t (i32.const 0))
    (block $kdone
      (loop $kl
        (br_if $kdone (i32.ge_s (local.get $t) (local.get $n)))
        (local.set $k (if (result i32) (local.get $list)
          (then (i32.load (i32.add (local.get $list) (i32.shl (local.get $t) (i32.const 2)))))
          (else (local.get $t))))
        (local.set $vy (f64x2.splat (f64.convert_i32_s (i32.load (i32.add (local.get $ys) (i32.shl (local.get $k) (i32.const 2)))))))
        (local.set $vx (f64x2.splat (f64.convert_i32_s (i32.load (i32.add (local.get $xs) (i32.shl (local.get $k) (i32.const 2)))))))
        ;; the bins of angles a.. (byte offsets in their rows)
        (local.set $r0 (i32x4.shl (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
          (i32x4.trunc_sat_f64x2_s_zero (f64x2.floor (f64x2.add
            (f64x2.sub (f64x2.mul (local.get $vy) (local.get $c0)) (f64x2.mul (local.get $vx) (local.get $s0))) (local.get $half))))
          (i32x4.trunc_sat_f64x2_s_zero (f64x2.floor (f64x2.add
            (f64x2.sub (f64x2.mul (local.get $vy) (local.get $c1)) (f64x2.mul (local.get $vx) (local.get $s1))) (local.get $half)))))
          (i32.const 2)))
        (local.set $s (i32.add (local.get $row) (i32x4.extract_lane 0 (local.get $r0))))
        (i32.store (local.get $s) (i32.add (i32.load (local.get $s)) (local.get $delta)))
        (local.set $s (i32.add (local.get $row1) (i32x4.extract_lane 1 (local.get $r0))))
        (i32.store (local.get $s) (i32.add (i32.load (local.get $s)) (local.get $delta)))
        (local.set $s (i32.add (local.get $row2) (i32x4.extract_lane 2 (local.get $r0))))
        (i32.store (local.get $s) (i32.add (i32.load (local.get $s)) (local.get $delta)))
        (local.set $s (i32.add (local.get $row3) (i32x4.extract_lane 3 (local.get $r0))))
        (i32.store (local.get $s) (i32.add (i32.load (local.get $s)) (local.get $delta)))
        (local.set $t (i32.add (local.get $t) (i32.const 1)))
        (br $kl))))

  ;; The ink map of illumination.ts. lerp_rows: each output row y (w floats, rows dense) is
  ;; f32(a[x] * (1 - fy) + b[x] * fy) in f64, a and b the rows y0s[y] and y1s[y] of `rows` (f64,
  ;; `stride` bytes apart, room for w rounded up to even), fy = fys[y]: upsample's arithmetic,
  ;; two at a time (an odd w writes one float past the row, which the next row overwrites).
  (func $lerp_rows (export "lerp_rows") (param $rows i32) (param $stride i32) (param $y0s i32) (param $y1s i32) (param $fys i32)
        (param $out i32) (param $w i32) (param $h i32)
    (local $y i32) (local $x i32) (local $ra i32) (local $rb i32) (local $o i32) (local $fy f64)
    (local $vfy v128) (local $vfy1 v128)
    (local.set $y (i32.const 0))
    (block $ydone
      (loop $yl
        (br_if $ydone (i32.ge_s (local.get $y) (local.get $h)))
        (local.set $ra (i32.add (local.get $rows) (i32.mul (i32.load (i32.add (local.get $y0s) (i32.shl (local.get $y) (i32.const 2)))) (local.get $stride))))
        (local.set $rb (i32.add (local.get $rows) (i32.mul (i32.load (i32.add (local.get $y1s) (i32.shl (local.get $y) (i32.const 2)))) (local.get $stride))))
        (local.set $fy (f64.load (i32.add (local.get $fys) (i32.shl (local.get $y) (i32.const 3)))))
        (local.set $vfy (f64x2.splat (local.get $fy)))
        (local.set $vfy1 (f64x2.splat (f64.sub (f64.const 1) (local.get $fy))))
        (local.set $o (i32.add (local.get $out) (i32.shl (i32.mul (local.get $y) (local.get $w)) (i32.const 2))))
        (local.set $x (i32.const 0))
        (block $xdone
          (loop $xl
            (br_if $xdone (i32.ge_s (local.get $x) (local.get $w)))
            (v128.store64_lane 0 (i32.add (local.get $o) (i32.shl (local.get $x) (i32.const 2)))
              (f32x4.demote_f64x2_zero
                (f64x2.add
                  (f64x2.mul (v128.load (i32.add (local.get $ra) (i32.shl (local.get $x) (i32.const 3)))) (local.get $vfy1))
                  (f64x2.mul (v128.load (i32.add (local.get $rb) (i32.shl (local.get $x) (i32.const 3)))) (local.get $vfy)))))
            (local.set $x (i32.add (local.get $x) (i32.const 2)))
            (br $xl)))
        (local.set $y (i32.add (local.get $y) (i32.const 1)))
        (br $yl))))

  ;; lerp_rows and the ink update one output row at a time (the row of paper in `row`, w floats
  ;; and one more, still in the cache): the same floats as lerp_rows into a whole plane and one
  ;; ink_update (bytes: ink_update_bytes) over it, without the plane. Rows of `p` and `ink` are w
  ;; floats apart (w a multiple of 4).
  (func (export "lerp_ink") (param $rows i32) (param $stride i32) (param $y0s i32) (param $y1s i32) (param $fys i32)
        (param $row i32) (param $w i32) (param $h i32) (param $p i32) (param $ink i32) (param $mode i32)
    (local $y i32) (local $o i32)
    (local.set $y (i32.const 0))
    (block $ydone
      (loop $yl
        (br_if $ydone (i32.ge_s (local.get $y) (local.get $h)))
        (local.set $o (i32.shl (i32.mul (local.get $y) (local.get $w)) (i32.const 2)))
        ;; mode 2: dark ink on a picture's bytes; 1: dark ink; 0: light ink
        (if (i32.eq (local.get $mode) (i32.const 2))
          (then (call $lerp_ink_bytes_row
            (i32.add (local.get $rows) (i32.mul (i32.load (i32.add (local.get $y0s) (i32.shl (local.get $y) (i32.const 2)))) (local.get $stride)))
            (i32.add (local.get $rows) (i32.mul (i32.load (i32.add (local.get $y1s) (i32.shl (local.get $y) (i32.const 2)))) (local.get $stride)))
            (f64.load (i32.add (local.get $fys) (i32.shl (local.get $y) (i32.const 3))))
            (i32.add (local.get $p) (local.get $o)) (i32.add (local.get $ink) (local.get $o)) (local.get $w)))
          (else
            (call $lerp_rows (local.get $rows) (local.get $stride)
              (i32.add (local.get $y0s) (i32.shl (local.get $y) (i32.const 2)))
              (i32.add (local.get $y1s) (i32.shl (local.get $y) (i32.const 2)))
              (i32.add (local.get $fys) (i32.shl (local.get $y) (i32.const 3)))
              (local.get $row) (local.get $w) (i32.const 1))
            (call $ink_update (local.get $row) (i32.add (local.get $p) (local.get $o)) (i32.add (local.get $ink) (local.get $o)) (local.get $w) (local.get $mode))))
        (local.set $y (i32.add (local.get $y) (i32.const 1)))
        (br $yl))))

  ;; lerp_ink's row for dark ink on a picture's bytes, four pixels at a time and the paper never
  ;; stored: per pair of pixels lerp_rows' f64 arithmetic (a · (1 - fy) + b · fy, to f32), then
  ;; ink_update_bytes' on the four; ra, rb the two f64 rows, w a multiple of 4
  (func $lerp_ink_bytes_row (param $ra i32) (param $rb i32) (param $fy f64) (param $p i32) (param $ink i32) (param $w i32)
    (local $x i32) (local $end i32) (local $vfy v128) (local $vfy1 v128) (local $vb v128) (local $vi v128) (local $v v128)
    (local.set $vfy (f64x2.splat (local.get $fy)))
    (local.set $vfy1 (f64x2.splat (f64.sub (f64.const 1) (local.get $fy))))
    (local.set $end (i32.shl (local.get $w) (i32.const 2)))
    (local.set $x (i32.const 0))
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $x) (local.get $end)))
        ;; x is a byte offset in the f32 rows; the f64 rows are twice as far
        (local.set $vb (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
          (f32x4.demote_f64x2_zero (f64x2.add
            (f64x2.mul (v128.load (i32.add (local.get $ra) (i32.shl (local.get $x) (i32.const 1)))) (local.get $vfy1))
            (f64x2.mul (v128.load (i32.add (local.get $rb) (i32.shl (local.get $x) (i32.const 1)))) (local.get $vfy))))
          (f32x4.demote_f64x2_zero (f64x2.add
            (f64x2.mul (v128.load offset=16 (i32.add (local.get $ra) (i32.shl (local.get $x) (i32.const 1)))) (local.get $vfy1))
            (f64x2.mul (v128.load offset=16 (i32.add (local.get $rb) (i32.shl (local.get $x) (i32.const 1)))) (local.get $vfy))))))
        (local.set $vi (v128.load (i32.add (local.get $ink) (local.get $x))))
        (local.set $v (f32x4.div (f32x4.sub (local.get $vb) (v128.load (i32.add (local.get $p) (local.get $x))))
                                 (f32x4.pmax (f32x4.splat (f32.const 64)) (local.get $vb))))
        (v128.store (i32.add (local.get $ink) (local.get $x))
          (v128.bitselect (f32x4.pmin (f32x4.splat (f32.const 1)) (local.get $v)) (local.get $vi) (f32x4.gt (local.get $v) (local.get $vi))))
        (local.set $x (i32.add (local.get $x) (i32.const 16)))
        (br $l))))

  ;; ink[i] = max(ink[i], v clamped to 1) as inkMap's loop does, for i < n (n a multiple of 4):
  ;; bg the paper, p the plane, all f32; v in f64 (both polarities computed, one kept: the same
  ;; operations as the TypeScript's), compared with the stored float, stored as f32.
  (func $ink_update (export "ink_update") (param $bg i32) (param $p i32) (param $ink i32) (param $n i32) (param $dark i32)
    (local $i i32) (local $end i32) (local $vb v128) (local $vp v128) (local $vi v128)
    (local $v0 v128) (local $v1 v128) (local $c0 v128) (local $c1 v128) (local $one v128)
    (local $b0 v128) (local $q0 v128) (local $dm v128) (local $v64 v128) (local $v255 v128)
    (local.set $one (f64x2.splat (f64.const 1)))
    (local.set $v64 (f64x2.splat (f64.const 64)))
    (local.set $v255 (f64x2.splat (f64.const 255)))
    ;; all ones for dark ink: v = (b - q) / max(b, 64); else v = (q - b) / max(255 - b, 64)
    (local.set $dm (i64x2.splat (i64.extend_i32_s (i32.sub (i32.const 0) (i32.ne (local.get $dark) (i32.const 0))))))
    (local.set $end (i32.shl (local.get $n) (i32.const 2)))
    (local.set $i (i32.const 0))
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $vb (v128.load (i32.add (local.get $bg) (local.get $i))))
        (local.set $vp (v128.load (i32.add (local.get $p) (local.get $i))))
        (local.set $vi (v128.load (i32.add (local.get $ink) (local.get $i))))
        (local.set $c0 (f64x2.promote_low_f32x4 (local.get $vi)))
        (local.set $c1 (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $vi) (local.get $vi))))
        (local.set $b0 (f64x2.promote_low_f32x4 (local.get $vb)))
        (local.set $q0 (f64x2.promote_low_f32x4 (local.get $vp)))
        (local.set $v0 (f64x2.div (v128.bitselect (f64x2.sub (local.get $b0) (local.get $q0)) (f64x2.sub (local.get $q0) (local.get $b0)) (local.get $dm)) (f64x2.pmax (local.get $v64) (v128.bitselect (local.get $b0) (f64x2.sub (local.get $v255) (local.get $b0)) (local.get $dm)))))
        (local.set $b0 (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $vb) (local.get $vb))))
        (local.set $q0 (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $vp) (local.get $vp))))
        (local.set $v1 (f64x2.div (v128.bitselect (f64x2.sub (local.get $b0) (local.get $q0)) (f64x2.sub (local.get $q0) (local.get $b0)) (local.get $dm)) (f64x2.pmax (local.get $v64) (v128.bitselect (local.get $b0) (f64x2.sub (local.get $v255) (local.get $b0)) (local.get $dm)))))
        (v128.store (i32.add (local.get $ink) (local.get $i))
          (v128.bitselect
            (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
              (f32x4.demote_f64x2_zero (f64x2.pmin (local.get $one) (local.get $v0)))
              (f32x4.demote_f64x2_zero (f64x2.pmin (local.get $one) (local.get $v1))))
            (local.get $vi)
            (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27
              (f64x2.gt (local.get $v0) (local.get $c0))
              (f64x2.gt (local.get $v1) (local.get $c1)))))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $l))))
;; ink_update for dark ink on a plane of whole numbers (a picture's bytes) in f32, four pixels at
  ;; once: v = (b - q) / max(b, 64). The same floats as ink_update's f64: where b > q both are
  ;; multiples of b's ulp and b - q <= b, so the f32 difference is exact (where b <= q, v <= 0 is
  ;; never kept either way); an f32 quotient of exact f32 operands is the f64 quotient rounded to
  ;; f32 (f64 has more than 2 × 24 + 2 bits); and where v64 > ink but rounds to it, f64 stores that
  ;; same float, where v64 <= ink neither stores.
  (func $ink_update_bytes (export "ink_update_bytes") (param $bg i32) (param $p i32) (param $ink i32) (param $n i32)
    (local $i i32) (local $end i32) (local $vb v128) (local $vi v128) (local $v v128)
    (local.set $end (i32.shl (local.get $n) (i32.const 2)))
    (local.set $i (i32.const 0))
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $vb (v128.load (i32.add (local.get $bg) (local.get $i))))
        (local.set $vi (v128.load (i32.add (local.get $ink) (local.get $i))))
        (local.set $v (f32x4.div (f32x4.sub (local.get $vb) (v128.load (i32.add (local.get $p) (local.get $i))))
                                 (f32x4.pmax (f32x4.splat (f32.const 64)) (local.get $vb))))
        (v128.store (i32.add (local.get $ink) (local.get $i))
          (v128.bitselect (f32x4.pmin (f32x4.splat (f32.const 1)) (local.get $v)) (local.get $vi) (f32x4.gt (local.get $v) (local.get $vi))))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $l))))

;; Block extremum over f×f blocks (illumination.ts pool): out (ow × ceil(h / f), dense) from the
  ;; w×h plane at src (rows `stride` floats apart, a multiple of 4), partial blocks included; down
  ;; each block's rows four columns at a time into `acc` (stride floats), then across its columns.
  ;; The extremum of the same values (no NaN, no -0 in a picture), so the same floats.
  (func (export "pool") (param $src i32) (param $stride i32) (param $w i32) (param $h i32) (param $f i32)
        (param $isMax i32) (param $acc i32) (param $out i32) (param $ow i32)
    (local $by i32) (local $y i32) (local $yend i32) (local $bx i32) (local $x i32) (local $xend i32)
    (local $bytes i32) (local $m f32) (local $o i32) (local $va v128) (local $vb v128)
    (local.set $bytes (i32.shl (local.get $stride) (i32.const 2)))
    (local.set $o (local.get $out))
    (local.set $by (i32.const 0))
    (block $bydone
      (loop $byl
        (local.set $y (i32.mul (local.get $by) (local.get $f)))
        (br_if $bydone (i32.ge_s (local.get $y) (local.get $h)))
        (local.set $yend (select (i32.add (local.get $y) (local.get $f)) (local.get $h)
                                 (i32.lt_s (i32.add (local.get $y) (local.get $f)) (local.get $h))))
        (call $copy_row (local.get $acc) (i32.add (local.get $src) (i32.mul (local.get $y) (local.get $bytes))) (local.get $bytes))
        (local.set $y (i32.add (local.get $y) (i32.const 1)))
        (block $ydone
          (loop $yl
            (br_if $ydone (i32.ge_s (local.get $y) (local.get $yend)))
            (call $ext_row (local.get $acc) (local.get $acc) (i32.add (local.get $src) (i32.mul (local.get $y) (local.get $bytes)))
                  (local.get $bytes) (local.get $isMax))
            (local.set $y (i32.add (local.get $y) (i32.const 1)))
            (br $yl)))
        (local.set $bx (i32.const 0))
        ;; f = 2: four blocks at a time (evens and odds of eight samples), over the whole pairs
        (if (i32.eq (local.get $f) (i32.const 2))
          (then
            (block $vdone
              (loop $vl
                (br_if $vdone (i32.gt_s (i32.add (local.get $bx) (i32.const 4)) (i32.shr_u (local.get $w) (i32.const 1))))
                (local.set $va (v128.load (i32.add (local.get $acc) (i32.shl (local.get $bx) (i32.const 3)))))
                (local.set $vb (v128.load offset=16 (i32.add (local.get $acc) (i32.shl (local.get $bx) (i32.const 3)))))
                (v128.store (local.get $o)
                  (if (result v128) (local.get $isMax)
                    (then (f32x4.pmax (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $va) (local.get $vb))
                                      (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $va) (local.get $vb))))
                    (else (f32x4.pmin (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $va) (local.get $vb))
                                      (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $va) (local.get $vb))))))
                (local.set $o (i32.add (local.get $o) (i32.const 16)))
                (local.set $bx (i32.add (local.get $bx) (i32.const 4)))
                (br $vl)))))
        (block $bxdone
          (loop $bxl
            (br_if $bxdone (i32.ge_s (local.get $bx) (local.get $ow)))
            (local.set $x (i32.mul (local.get $bx) (local.get $f)))
            (local.set $xend (select (i32.add (local.get $x) (local.get $f)) (local.get $w)
                                     (i32.lt_s (i32.add (local.get $x) (local.get $f)) (local.get $w))))
            (local.set $m (f32.load (i32.add (local.get $acc) (i32.shl (local.get $x) (i32.const 2)))))
            (local.set $x (i32.add (local.get $x) (i32.const 1)))
            (if (local.get $isMax)
              (then
                (block $xdone
                  (loop $xl
                    (br_if $xdone (i32.ge_s (local.get $x) (local.get $xend)))
                    (local.set $m (f32.max (local.get $m) (f32.load (i32.add (local.get $acc) (i32.shl (local.get $x) (i32.const 2))))))
                    (local.set $x (i32.add (local.get $x) (i32.const 1)))
                    (br $xl))))
              (else
                (block $xdone2
                  (loop $xl2
                    (br_if $xdone2 (i32.ge_s (local.get $x) (local.get $xend)))
                    (local.set $m (f32.min (local.get $m) (f32.load (i32.add (local.get $acc) (i32.shl (local.get $x) (i32.const 2))))))
                    (local.set $x (i32.add (local.get $x) (i32.const 1)))
                    (br $xl2)))))
            (f32.store (local.get $o) (local.get $m))
            (local.set $o (i32.add (local.get $o) (i32.const 4)))
            (local.set $bx (i32.add (local.get $bx) (i32.const 1)))
            (br $bxl)))
        (local.set $by (i32.add (local.get $by) (i32.const 1)))
        (br $byl))))
;; Binary dilation of a 0/1 byte mask over a (2r+1)² square, window clamped at the borders
  ;; (morphology.ts dilateMask): planes of rows `stride` bytes apart (a multiple of 16), `src` with
  ;; r zero bytes left of each row and r zero rows above and below (more zeros to the right), so
  ;; the OR of the window's bytes is the dilation. Rows first into `tmp` (laid out as src), then
  ;; down the columns into `dst` (h rows), sixteen pixels at a time.
  (func (export "dilate_mask") (param $src i32) (param $tmp i32) (param $dst i32) (param $w i32) (param $h i32)
        (param $r i32) (param $stride i32)
    (local $y i32) (local $x i32) (local $d i32) (local $v v128) (local $row i32) (local $out i32) (local $span i32)
    (local.set $span (i32.add (i32.shl (local.get $r) (i32.const 1)) (i32.const 1)))
    (memory.fill (local.get $tmp) (i32.const 0) (i32.mul (i32.add (local.get $h) (i32.shl (local.get $r) (i32.const 1))) (local.get $stride)))
    (local.set $y (i32.const 0))
    (block $ydone
      (loop $yl
        (br_if $ydone (i32.ge_s (local.get $y) (local.get $h)))
        (local.set $row (i32.add (local.get $src) (i32.mul (i32.add (local.get $y) (local.get $r)) (local.get $stride))))
        (local.set $out (i32.add (i32.add (local.get $tmp) (i32.mul (i32.add (local.get $y) (local.get $r)) (local.get $stride))) (local.get $r)))
        (local.set $x (i32.const 0))
        (block $xdone
          (loop $xl
            (br_if $xdone (i32.ge_s (local.get $x) (local.get $w)))
            (local.set $v (v128.const i32x4 0 0 0 0))
            (local.set $d (i32.const 0))
            (block $ddone
              (loop $dl
                (br_if $ddone (i32.ge_s (local.get $d) (local.get $span)))
                (local.set $v (v128.or (local.get $v) (v128.load (i32.add (i32.add (local.get $row) (local.get $x)) (local.get $d)))))
                (local.set $d (i32.add (local.get $d) (i32.const 1)))
                (br $dl)))
            (v128.store (i32.add (local.get $out) (local.get $x)) (local.get $v))
            (local.set $x (i32.add (local.get $x) (i32.const 16)))
            (br $xl)))
        (local.set $y (i32.add (local.get $y) (i32.const 1)))
        (br $yl)))
    (local.set $y (i32.const 0))
    (block $y2done
      (loop $y2l
        (br_if $y2done (i32.ge_s (local.get $y) (local.get $h)))
        (local.set $row (i32.add (i32.add (local.get $tmp) (i32.mul (local.get $y) (local.get $stride))) (local.get $r)))
        (local.set $out (i32.add (local.get $dst) (i32.mul (local.get $y) (local.get $stride))))
        (local.set $x (i32.const 0))
        (block $x2done
          (loop $x2l
            (br_if $x2done (i32.ge_s (local.get $x) (local.get $w)))
            (local.set $v (v128.const i32x4 0 0 0 0))
            (local.set $d (i32.const 0))
            (block $d2done
              (loop $d2l
                (br_if $d2done (i32.ge_s (local.get $d) (local.get $span)))
                (local.set $v (v128.or (local.get $v)
                  (v128.load (i32.add (i32.add (local.get $row) (local.get $x)) (i32.mul (local.get $d) (local.get $stride))))))
                (local.set $d (i32.add (local.get $d) (i32.const 1)))
                (br $d2l)))
            (v128.store (i32.add (local.get $out) (local.get $x)) (local.get $v))
            (local.set $x (i32.add (local.get $x) (i32.const 16)))
            (br $x2l)))
        (local.set $y (i32.add (local.get $y) (i32.const 1)))
        (br $y2l))))
;; The two histograms of normalise.ts's chooseThreshold over an ink map (n f32 in 0..1 or so):
  ;; `out` gets 256 i32 of Otsu's bins (threshold.ts otsuThreshold: 0 at or below 0, 255 at or
  ;; above 1, else floor(v * 255 + 0.5)), counting only v < below, then 1001 i32 of the quantile
  ;; bins (quantilesOf: the same with 1000) over every value. In f64 as the TypeScript; the bin is
  ;; trunc(min(max(v * k + 0.5, 0), k)), the same integer for every v. Four values at a time, each
  ;; lane into its own copy of the histograms in `scratch` (4 × 1257 i32), summed at the end.
  ;; (Written out, not as calls: V8 does not inline wasm calls, and a call per bin costs more than the bin.)
  (func (export "ink_hist") (param $ink i32) (param $n i32) (param $below f64) (param $scratch i32) (param $out i32)
    (local $i i32) (local $end i32) (local $vv v128) (local $lo v128) (local $hi v128) (local $ob v128) (local $qb v128)
    (local $keep v128) (local $lane i32) (local $j i32) (local $v f64) (local $b i32)
    (local $zeros i32) (local $skip i32)
    (memory.fill (local.get $scratch) (i32.const 0) (i32.const 20112))
    (local.set $end (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2)))
    (local.set $i (i32.const 0))
    ;; four values at or below 0 (paper of a clean drawing) are bin 0 of both, and kept for Otsu
    ;; when below > 0: counted at the end
    (local.set $skip (f64.gt (local.get $below) (f64.const 0)))
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $vv (v128.load (i32.add (local.get $ink) (local.get $i))))
        (if (i32.and (local.get $skip) (i32.eqz (v128.any_true (f32x4.gt (local.get $vv) (v128.const f32x4 0 0 0 0)))))
          (then
            (local.set $zeros (i32.add (local.get $zeros) (i32.const 4)))
            (local.set $i (i32.add (local.get $i) (i32.const 16)))
            (br $l)))
        (local.set $lo (f64x2.promote_low_f32x4 (local.get $vv)))
        (local.set $hi (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $vv) (local.get $vv))))
        ;; byte offsets of the bins, lane j's histograms 5028 bytes after lane j-1's
        (local.set $ob (i32x4.add (i32x4.shl (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
          (i32x4.trunc_sat_f64x2_s_zero (f64x2.pmin (f64x2.splat (f64.const 255)) (f64x2.pmax (f64x2.splat (f64.const 0)) (f64x2.add (f64x2.mul (local.get $lo) (f64x2.splat (f64.const 255))) (f64x2.splat (f64.const 0.5)))))) (i32x4.trunc_sat_f64x2_s_zero (f64x2.pmin (f64x2.splat (f64.const 255)) (f64x2.pmax (f64x2.splat (f64.const 0)) (f64x2.add (f64x2.mul (local.get $hi) (f64x2.splat (f64.const 255))) (f64x2.splat (f64.const 0.5))))))) (i32.const 2))
          (v128.const i32x4 0 5028 10056 15084)))
        (local.set $qb (i32x4.add (i32x4.shl (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
          (i32x4.trunc_sat_f64x2_s_zero (f64x2.pmin (f64x2.splat (f64.const 1000)) (f64x2.pmax (f64x2.splat (f64.const 0)) (f64x2.add (f64x2.mul (local.get $lo) (f64x2.splat (f64.const 1000))) (f64x2.splat (f64.const 0.5)))))) (i32x4.trunc_sat_f64x2_s_zero (f64x2.pmin (f64x2.splat (f64.const 1000)) (f64x2.pmax (f64x2.splat (f64.const 0)) (f64x2.add (f64x2.mul (local.get $hi) (f64x2.splat (f64.const 1000))) (f64x2.splat (f64.const 0.5))))))) (i32.const 2))
          (v128.const i32x4 1024 6052 11080 16108)))
        (local.set $keep (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27
          (f64x2.lt (local.get $lo) (f64x2.splat (local.get $below))) (f64x2.lt (local.get $hi) (f64x2.splat (local.get $below)))))
        (local.set $ob (i32x4.add (i32x4.splat (local.get $scratch)) (local.get $ob)))
        (local.set $qb (i32x4.add (i32x4.splat (local.get $scratch)) (local.get $qb)))
        ;; keep lanes are all ones (-1): subtracting adds one
        (local.set $j (i32x4.extract_lane 0 (local.get $ob)))
        (i32.store (local.get $j) (i32.sub (i32.load (local.get $j)) (i32x4.extract_lane 0 (local.get $keep))))
        (local.set $j (i32x4.extract_lane 1 (local.get $ob)))
        (i32.store (local.get $j) (i32.sub (i32.load (local.get $j)) (i32x4.extract_lane 1 (local.get $keep))))
        (local.set $j (i32x4.extract_lane 2 (local.get $ob)))
        (i32.store (local.get $j) (i32.sub (i32.load (local.get $j)) (i32x4.extract_lane 2 (local.get $keep))))
        (local.set $j (i32x4.extract_lane 3 (local.get $ob)))
        (i32.store (local.get $j) (i32.sub (i32.load (local.get $j)) (i32x4.extract_lane 3 (local.get $keep))))
        (local.set $j (i32x4.extract_lane 0 (local.get $qb)))
        (i32.store (local.get $j) (i32.add (i32.load (local.get $j)) (i32.const 1)))
        (local.set $j (i32x4.extract_lane 1 (local.get $qb)))
        (i32.store (local.get $j) (i32.add (i32.load (local.get $j)) (i32.const 1)))
        (local.set $j (i32x4.extract_lane 2 (local.get $qb)))
        (i32.store (local.get $j) (i32.add (i32.load (local.get $j)) (i32.const 1)))
        (local.set $j (i32x4.extract_lane 3 (local.get $qb)))
        (i32.store (local.get $j) (i32.add (i32.load (local.get $j)) (i32.const 1)))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $l)))
    ;; the last n mod 4 values, one at a time, into lane 0's histograms
    (local.set $end (i32.shl (local.get $n) (i32.const 2)))
    (block $tdone
      (loop $tl
        (br_if $tdone (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $vv (f64x2.splat (f64.promote_f32 (f32.load (i32.add (local.get $ink) (local.get $i))))))
        (local.set $v (f64x2.extract_lane 0 (local.get $vv)))
        (if (f64.lt (local.get $v) (local.get $below))
          (then
            (local.set $j (i32.add (local.get $scratch) (i32.shl (i32x4.extract_lane 0 (i32x4.trunc_sat_f64x2_s_zero (f64x2.pmin (f64x2.splat (f64.const 255)) (f64x2.pmax (f64x2.splat (f64.const 0)) (f64x2.add (f64x2.mul (local.get $vv) (f64x2.splat (f64.const 255))) (f64x2.splat (f64.const 0.5))))))) (i32.const 2))))
            (i32.store (local.get $j) (i32.add (i32.load (local.get $j)) (i32.const 1)))))
        (local.set $j (i32.add (i32.add (local.get $scratch) (i32.const 1024)) (i32.shl (i32x4.extract_lane 0 (i32x4.trunc_sat_f64x2_s_zero (f64x2.pmin (f64x2.splat (f64.const 1000)) (f64x2.pmax (f64x2.splat (f64.const 0)) (f64x2.add (f64x2.mul (local.get $vv) (f64x2.splat (f64.const 1000))) (f64x2.splat (f64.const 0.5))))))) (i32.const 2))))
        (i32.store (local.get $j) (i32.add (i32.load (local.get $j)) (i32.const 1)))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $tl)))
    (local.set $b (i32.const 0))
    (block $sdone
      (loop $sl
        (br_if $sdone (i32.ge_u (local.get $b) (i32.const 5028)))
        (i32.store (i32.add (local.get $out) (local.get $b))
          (i32.add
            (i32.add (i32.load (i32.add (local.get $scratch) (local.get $b))) (i32.load (i32.add (local.get $scratch) (i32.add (local.get $b) (i32.const 5028)))))
            (i32.add (i32.load (i32.add (local.get $scratch) (i32.add (local.get $b) (i32.const 10056)))) (i32.load (i32.add (local.get $scratch) (i32.add (local.get $b) (i32.const 15084)))))))
        (local.set $b (i32.add (local.get $b) (i32.const 4)))
        (br $sl)))
    (i32.store (local.get $out) (i32.add (i32.load (local.get $out)) (local.get $zeros)))
    (i32.store offset=1024 (local.get $out) (i32.add (i32.load offset=1024 (local.get $out)) (local.get $zeros))))

  ;; The ink mask of normalise.ts and its stroke statistics. binarize: mask byte (x, y) at
  ;; mask + (y + 1) * stride + 1 + x is ink[y * w + x] > threshold (compared in f64, as threshold.ts
  ;; binarize), in a plane zeroed first: a border of zeros all round. stroke_stats: out[0] = ink
  ;; pixels, out[1] = those with a 4-neighbour outside the ink or the picture (maskStrokeWidth's
  ;; area and perimeter), sixteen pixels at a time (stride a multiple of 16, at least w + 18).
  (func (export "binarize") (param $ink i32) (param $w i32) (param $h i32) (param $threshold f64) (param $mask i32) (param $stride i32)
    (local $y i32) (local $x i32) (local $src i32) (local $dst i32)
    (memory.fill (local.get $mask) (i32.const 0) (i32.mul (i32.add (local.get $h) (i32.const 2)) (local.get $stride)))
    (local.set $src (local.get $ink))
    (local.set $y (i32.const 0))
    (block $ydone
      (loop $yl
        (br_if $ydone (i32.ge_s (local.get $y) (local.get $h)))
        (local.set $dst (i32.add (i32.add (local.get $mask) (i32.mul (i32.add (local.get $y) (i32.const 1)) (local.get $stride))) (i32.const 1)))
        (local.set $x (i32.const 0))
        (block $xdone
          (loop $xl
            (br_if $xdone (i32.ge_s (local.get $x) (local.get $w)))
            (i32.store8 (i32.add (local.get $dst) (local.get $x))
              (f64.gt (f64.promote_f32 (f32.load (local.get $src))) (local.get $threshold)))
            (local.set $src (i32.add (local.get $src) (i32.const 4)))
            (local.set $x (i32.add (local.get $x) (i32.const 1)))
            (br $xl)))
        (local.set $y (i32.add (local.get $y) (i32.const 1)))
        (br $yl))))

  (func (export "stroke_stats") (param $mask i32) (param $w i32) (param $h i32) (param $stride i32) (param $out i32)
    (local $y i32) (local $x i32) (local $row i32) (local $c v128) (local $edge v128) (local $area v128) (local $per v128)
    (local.set $area (v128.const i32x4 0 0 0 0))
    (local.set $per (v128.const i32x4 0 0 0 0))
    (local.set $y (i32.const 0))
    (block $ydone
      (loop $yl
        (br_if $ydone (i32.ge_s (local.get $y) (local.get $h)))
        (local.set $row (i32.add (i32.add (local.get $mask) (i32.mul (i32.add (local.get $y) (i32.const 1)) (local.get $stride))) (i32.const 1)))
        (local.set $x (i32.const 0))
        (block $xdone
          (loop $xl
            (br_if $xdone (i32.ge_s (local.get $x) (local.get $w)))
            (local.set $c (v128.load (i32.add (local.get $row) (local.get $x))))
            (local.set $edge (v128.andnot (local.get $c)
              (v128.and
                (v128.and (v128.load (i32.sub (i32.add (local.get $row) (local.get $x)) (i32.const 1)))
                          (v128.load (i32.add (i32.add (local.get $row) (local.get $x)) (i32.const 1))))
                (v128.and (v128.load (i32.sub (i32.add (local.get $row) (local.get $x)) (local.get $stride)))
                          (v128.load (i32.add (i32.add (local.get $row) (local.get $x)) (local.get $stride)))))))
            (local.set $area (i32x4.add (local.get $area) (i32x4.extadd_pairwise_i16x8_u (i16x8.extadd_pairwise_i8x16_u (local.get $c)))))
            (local.set $per (i32x4.add (local.get $per) (i32x4.extadd_pairwise_i16x8_u (i16x8.extadd_pairwise_i8x16_u (local.get $edge)))))
            (local.set $x (i32.add (local.get $x) (i32.const 16)))
            (br $xl)))
        (local.set $y (i32.add (local.get $y) (i32.const 1)))
        (br $yl)))
    (i32.store (local.get $out) (i32.add
      (i32.add (i32x4.extract_lane 0 (local.get $area)) (i32x4.extract_lane 1 (local.get $area)))
      (i32.add (i32x4.extract_lane 2 (local.get $area)) (i32x4.extract_lane 3 (local.get $area)))))
    (i32.store offset=4 (local.get $out) (i32.add
      (i32.add (i32x4.extract_lane 0 (local.get $per)) (i32x4.extract_lane 1 (local.get $per)))
      (i32.add (i32x4.extract_lane 2 (local.get $per)) (i32x4.extract_lane 3 (local.get $per))))))
;; flatten.ts for an opaque picture: opaque_lum checks that every alpha byte of the n RGBA
  ;; pixels is 255 (out[0] = how many are not) and writes the luminance
  ;; f32(0.2126 r + 0.7152 g + 0.0722 b) in f64 (flatten.ts luminance, the same order), four
  ;; pixels at a time; `lum` has room for n rounded up to 4 (the tail lanes are junk). The colour
  ;; planes are not written: channel_plane makes each when the ink map needs it.
  (func (export "opaque_lum") (param $rgba i32) (param $n i32) (param $lum i32) (param $out i32)
    (local $i i32) (local $end i32) (local $v v128) (local $z v128) (local $rv v128) (local $gv v128) (local $bv v128)
    (local $bad v128) (local $o i32) (local $last v128)
    (local.set $z (v128.const i32x4 0 0 0 0))
    (local.set $bad (v128.const i32x4 0 0 0 0))
    (local.set $end (i32.shl (local.get $n) (i32.const 2)))
    (local.set $i (i32.const 0))
    (local.set $o (i32.const 0))
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $v (v128.load (i32.add (local.get $rgba) (local.get $i))))
        ;; alpha bytes below 255 (only the pixels before n: the last group may be partial)
        (local.set $last (i32x4.lt_u
          (i32x4.add (i32x4.splat (local.get $i)) (v128.const i32x4 0 4 8 12))
          (i32x4.splat (local.get $end))))
        (local.set $bad (i32x4.sub (local.get $bad)
          (v128.and (local.get $last)
            (i32x4.ne (v128.and (local.get $v) (v128.const i32x4 0xff000000 0xff000000 0xff000000 0xff000000))
                      (v128.const i32x4 0xff000000 0xff000000 0xff000000 0xff000000)))))
        (local.set $rv (f32x4.convert_i32x4_u (i8x16.shuffle 0 16 16 16 4 16 16 16 8 16 16 16 12 16 16 16 (local.get $v) (local.get $z))))
        (local.set $gv (f32x4.convert_i32x4_u (i8x16.shuffle 1 16 16 16 5 16 16 16 9 16 16 16 13 16 16 16 (local.get $v) (local.get $z))))
        (local.set $bv (f32x4.convert_i32x4_u (i8x16.shuffle 2 16 16 16 6 16 16 16 10 16 16 16 14 16 16 16 (local.get $v) (local.get $z))))
        (v128.store (i32.add (local.get $lum) (local.get $o))
          (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
            (f32x4.demote_f64x2_zero (f64x2.add (f64x2.add
              (f64x2.mul (f64x2.splat (f64.const 0.2126)) (f64x2.promote_low_f32x4 (local.get $rv)))
              (f64x2.mul (f64x2.splat (f64.const 0.7152)) (f64x2.promote_low_f32x4 (local.get $gv))))
              (f64x2.mul (f64x2.splat (f64.const 0.0722)) (f64x2.promote_low_f32x4 (local.get $bv)))))
            (f32x4.demote_f64x2_zero (f64x2.add (f64x2.add
              (f64x2.mul (f64x2.splat (f64.const 0.2126)) (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $rv) (local.get $rv))))
              (f64x2.mul (f64x2.splat (f64.const 0.7152)) (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $gv) (local.get $gv)))))
              (f64x2.mul (f64x2.splat (f64.const 0.0722)) (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $bv) (local.get $bv))))))))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (local.set $o (i32.add (local.get $o) (i32.const 16)))
        (br $l)))
    (i32.store (local.get $out) (i32.add
      (i32.add (i32x4.extract_lane 0 (local.get $bad)) (i32x4.extract_lane 1 (local.get $bad)))
      (i32.add (i32x4.extract_lane 2 (local.get $bad)) (i32x4.extract_lane 3 (local.get $bad))))))

;; decode.ts for a PNG decoded whole: the RGB bytes of the n RGBA pixels at `rgba` packed into
  ;; `rgb` (3n bytes; 16 more are written), and out[0] = how many alpha bytes are not 255, four
  ;; pixels at a time (`rgba` needs 16 readable bytes past its end; the lanes past n not counted).
  (func (export "rgb_of_rgba") (param $rgba i32) (param $n i32) (param $rgb i32) (param $out i32)
    (local $i i32) (local $end i32) (local $v v128) (local $bad v128) (local $o i32)
    (local.set $bad (v128.const i32x4 0 0 0 0))
    (local.set $end (i32.shl (local.get $n) (i32.const 2)))
    (local.set $i (i32.const 0))
    (local.set $o (local.get $rgb))
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $v (v128.load (i32.add (local.get $rgba) (local.get $i))))
        (local.set $bad (i32x4.sub (local.get $bad)
          (v128.and
            (i32x4.lt_u (i32x4.add (i32x4.splat (local.get $i)) (v128.const i32x4 0 4 8 12)) (i32x4.splat (local.get $end)))
            (i32x4.ne (v128.and (local.get $v) (v128.const i32x4 0xff000000 0xff000000 0xff000000 0xff000000))
                      (v128.const i32x4 0xff000000 0xff000000 0xff000000 0xff000000)))))
        (v128.store (local.get $o) (i8x16.shuffle 0 1 2 4 5 6 8 9 10 12 13 14 3 7 11 15 (local.get $v) (local.get $v)))
        (local.set $o (i32.add (local.get $o) (i32.const 12)))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $l)))
    (i32.store (local.get $out) (i32.add
      (i32.add (i32x4.extract_lane 0 (local.get $bad)) (i32x4.extract_lane 1 (local.get $bad)))
      (i32.add (i32x4.extract_lane 2 (local.get $bad)) (i32x4.extract_lane 3 (local.get $bad))))))

  ;; Channel c (0 = R, 1 = G, 2 = B) of the w×h RGBA bytes at `rgba` (dense) as f32 into `dst`,
  ;; rows `stride` floats apart (a multiple of 4), four pixels at a time: the pad columns get the
  ;; next row's values (junk no result reads); `rgba` needs 16 readable bytes past its end.
  (func (export "channel_plane") (param $rgba i32) (param $c i32) (param $w i32) (param $h i32) (param $stride i32) (param $dst i32)
    (local $y i32) (local $x i32) (local $src i32) (local $row i32) (local $z v128) (local $pick v128)
    (local.set $z (v128.const i32x4 0 0 0 0))
    ;; byte c of each pixel into the low byte of its lane: lanes of i8x16.swizzle past 15 are 0
    (local.set $pick (i32x4.add (v128.const i32x4 0xffffff00 0xffffff04 0xffffff08 0xffffff0c) (i32x4.splat (local.get $c))))
    (local.set $y (i32.const 0))
    (block $ydone
      (loop $yl
        (br_if $ydone (i32.ge_s (local.get $y) (local.get $h)))
        (local.set $src (i32.add (local.get $rgba) (i32.shl (i32.mul (local.get $y) (local.get $w)) (i32.const 2))))
        (local.set $row (i32.add (local.get $dst) (i32.shl (i32.mul (local.get $y) (local.get $stride)) (i32.const 2))))
        (local.set $x (i32.const 0))
        (block $xdone
          (loop $xl
            (br_if $xdone (i32.ge_s (local.get $x) (local.get $w)))
            (v128.store (i32.add (local.get $row) (i32.shl (local.get $x) (i32.const 2)))
              (f32x4.convert_i32x4_u (i8x16.swizzle (v128.load (i32.add (local.get $src) (i32.shl (local.get $x) (i32.const 2)))) (local.get $pick))))
            (local.set $x (i32.add (local.get $x) (i32.const 4)))
            (br $xl)))
        (local.set $y (i32.add (local.get $y) (i32.const 1)))
        (br $yl))))

  ;; normalise.ts noiseFloor's histogram: 101 bins of round(ink · 100) clamped to 0..100 (as
  ;; trunc(min(max(v · 100 + 0.5, 0), 100)) in f64: the same bin), over the pixels whose byte in
  ;; `near` (rows `stride` apart) is 0; `ink` dense w×h. Pixel x counts in copy x mod 4 of the
  ;; histogram in `scratch` (4 × 101 i32), summed into `out` (101 i32) at the end.
  (func (export "noise_hist") (param $ink i32) (param $near i32) (param $w i32) (param $h i32) (param $stride i32)
        (param $scratch i32) (param $out i32)
    (local $y i32) (local $x i32) (local $src i32) (local $row i32) (local $slot i32) (local $b i32)
    (local $far v128) (local $iv v128) (local $bins v128)
    (memory.fill (local.get $scratch) (i32.const 0) (i32.const 1616))
    (local.set $src (local.get $ink))
    (local.set $y (i32.const 0))
    (block $ydone
      (loop $yl
        (br_if $ydone (i32.ge_s (local.get $y) (local.get $h)))
        (local.set $row (i32.add (local.get $near) (i32.mul (local.get $y) (local.get $stride))))
        (local.set $x (i32.const 0))
        ;; four pixels at a time while four are left in the row: their bins in f64 (the same
        ;; integers), and a pixel near ink adds 0 to its bin instead of 1
        (block $vdone
          (loop $vl
            (br_if $vdone (i32.gt_s (i32.add (local.get $x) (i32.const 4)) (local.get $w)))
            (local.set $far (i32x4.eq
              (i32x4.extend_low_i16x8_u (i16x8.extend_low_i8x16_u (v128.load32_zero (i32.add (local.get $row) (local.get $x)))))
              (v128.const i32x4 0 0 0 0)))
            (if (v128.any_true (local.get $far))
              (then
                (local.set $iv (v128.load (local.get $src)))
                (local.set $bins (i32x4.add (v128.const i32x4 0 404 808 1212) (i32x4.shl (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
                  (i32x4.trunc_sat_f64x2_s_zero (f64x2.pmin (f64x2.splat (f64.const 100)) (f64x2.pmax (f64x2.splat (f64.const 0))
                    (f64x2.add (f64x2.mul (f64x2.promote_low_f32x4 (local.get $iv)) (f64x2.splat (f64.const 100))) (f64x2.splat (f64.const 0.5))))))
                  (i32x4.trunc_sat_f64x2_s_zero (f64x2.pmin (f64x2.splat (f64.const 100)) (f64x2.pmax (f64x2.splat (f64.const 0))
                    (f64x2.add (f64x2.mul (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $iv) (local.get $iv))) (f64x2.splat (f64.const 100))) (f64x2.splat (f64.const 0.5)))))))
                  (i32.const 2))))
                (local.set $slot (i32.add (local.get $scratch) (i32x4.extract_lane 0 (local.get $bins))))
                (i32.store (local.get $slot) (i32.sub (i32.load (local.get $slot)) (i32x4.extract_lane 0 (local.get $far))))
                (local.set $slot (i32.add (local.get $scratch) (i32x4.extract_lane 1 (local.get $bins))))
                (i32.store (local.get $slot) (i32.sub (i32.load (local.get $slot)) (i32x4.extract_lane 1 (local.get $far))))
                (local.set $slot (i32.add (local.get $scratch) (i32x4.extract_lane 2 (local.get $bins))))
                (i32.store (local.get $slot) (i32.sub (i32.load (local.get $slot)) (i32x4.extract_lane 2 (local.get $far))))
                (local.set $slot (i32.add (local.get $scratch) (i32x4.extract_lane 3 (local.get $bins))))
                (i32.store (local.get $slot) (i32.sub (i32.load (local.get $slot)) (i32x4.extract_lane 3 (local.get $far))))))
            (local.set $src (i32.add (local.get $src) (i32.const 16)))
            (local.set $x (i32.add (local.get $x) (i32.const 4)))
            (br $vl)))
        ;; the rest of the row one at a time
        (block $xdone
          (loop $xl
            (br_if $xdone (i32.ge_s (local.get $x) (local.get $w)))
            (if (i32.eqz (i32.load8_u (i32.add (local.get $row) (local.get $x))))
              (then
                (local.set $slot (i32.add
                  (i32.add (local.get $scratch) (i32.mul (i32.and (local.get $x) (i32.const 3)) (i32.const 404)))
                  (i32.shl (i32.trunc_sat_f64_s (f64.min (f64.const 100) (f64.max (f64.const 0)
                    (f64.add (f64.mul (f64.promote_f32 (f32.load (local.get $src))) (f64.const 100)) (f64.const 0.5))))) (i32.const 2))))
                (i32.store (local.get $slot) (i32.add (i32.load (local.get $slot)) (i32.const 1)))))
            (local.set $src (i32.add (local.get $src) (i32.const 4)))
            (local.set $x (i32.add (local.get $x) (i32.const 1)))
            (br $xl)))
        (local.set $y (i32.add (local.get $y) (i32.const 1)))
        (br $yl)))
    (local.set $b (i32.const 0))
    (block $sdone
      (loop $sl
        (br_if $sdone (i32.ge_u (local.get $b) (i32.const 404)))
        (i32.store (i32.add (local.get $out) (local.get $b))
          (i32.add
            (i32.add (i32.load (i32.add (local.get $scratch) (local.get $b))) (i32.load (i32.add (local.get $scratch) (i32.add (local.get $b) (i32.const 404)))))
            (i32.add (i32.load (i32.add (local.get $scratch) (i32.add (local.get $b) (i32.const 808)))) (i32.load (i32.add (local.get $scratch) (i32.add (local.get $b) (i32.const 1212)))))))
        (local.set $b (i32.add (local.get $b) (i32.const 4)))
        (br $sl))))

  ;; illumination.ts's paper grid interpolated across: rows[gy · rstride + x] (f64) =
  ;; s[gy · sw + x0s[x]] · (1 - fxs[x]) + s[gy · sw + x1s[x]] · fxs[x] for every grid row gy < sh
  ;; and x < w, s f32; in f64 in the same order as the TypeScript.
  (func (export "across_rows") (param $s i32) (param $sw i32) (param $sh i32) (param $x0s i32) (param $x1s i32) (param $fxs i32)
        (param $rows i32) (param $w i32) (param $rstride i32)
    (local $gy i32) (local $x i32) (local $o i32) (local $dst i32) (local $fx f64)
    (local $vfx v128) (local $va v128) (local $vb v128) (local $xi i32)
    (local.set $gy (i32.const 0))
    (block $gdone
      (loop $gl
        (br_if $gdone (i32.ge_s (local.get $gy) (local.get $sh)))
        (local.set $o (i32.add (local.get $s) (i32.shl (i32.mul (local.get $gy) (local.get $sw)) (i32.const 2))))
        (local.set $dst (i32.add (local.get $rows) (i32.shl (i32.mul (local.get $gy) (local.get $rstride)) (i32.const 3))))
        (local.set $x (i32.const 0))
        ;; two columns at a time (f64x2, each lane the scalar arithmetic), then an odd last one
        (block $x2done
          (loop $x2l
            (br_if $x2done (i32.ge_s (i32.add (local.get $x) (i32.const 1)) (local.get $w)))
            (local.set $vfx (v128.load (i32.add (local.get $fxs) (i32.shl (local.get $x) (i32.const 3)))))
            (local.set $xi (i32.add (local.get $x0s) (i32.shl (local.get $x) (i32.const 2))))
            (local.set $va (f64x2.promote_low_f32x4
              (v128.load32_lane 1 (i32.add (local.get $o) (i32.shl (i32.load offset=4 (local.get $xi)) (i32.const 2)))
                (v128.load32_zero (i32.add (local.get $o) (i32.shl (i32.load (local.get $xi)) (i32.const 2)))))))
            (local.set $xi (i32.add (local.get $x1s) (i32.shl (local.get $x) (i32.const 2))))
            (local.set $vb (f64x2.promote_low_f32x4
              (v128.load32_lane 1 (i32.add (local.get $o) (i32.shl (i32.load offset=4 (local.get $xi)) (i32.const 2)))
                (v128.load32_zero (i32.add (local.get $o) (i32.shl (i32.load (local.get $xi)) (i32.const 2)))))))
            (v128.store (i32.add (local.get $dst) (i32.shl (local.get $x) (i32.const 3)))
              (f64x2.add
                (f64x2.mul (local.get $va) (f64x2.sub (f64x2.splat (f64.const 1)) (local.get $vfx)))
                (f64x2.mul (local.get $vb) (local.get $vfx))))
            (local.set $x (i32.add (local.get $x) (i32.const 2)))
            (br $x2l)))
        (block $xdone
          (loop $xl
            (br_if $xdone (i32.ge_s (local.get $x) (local.get $w)))
            (local.set $fx (f64.load (i32.add (local.get $fxs) (i32.shl (local.get $x) (i32.const 3)))))
            (f64.store (i32.add (local.get $dst) (i32.shl (local.get $x) (i32.const 3)))
              (f64.add
                (f64.mul (f64.promote_f32 (f32.load (i32.add (local.get $o) (i32.shl (i32.load (i32.add (local.get $x0s) (i32.shl (local.get $x) (i32.const 2)))) (i32.const 2)))))
                         (f64.sub (f64.const 1) (local.get $fx)))
                (f64.mul (f64.promote_f32 (f32.load (i32.add (local.get $o) (i32.shl (i32.load (i32.add (local.get $x1s) (i32.shl (local.get $x) (i32.const 2)))) (i32.const 2)))))
                         (local.get $fx))))
            (local.set $x (i32.add (local.get $x) (i32.const 1)))
            (br $xl)))
        (local.set $gy (i32.add (local.get $gy) (i32.const 1)))
        (br $gl))))
;; lines.ts's peak search: the index of the first of the n i32 counts at p that holds their
  ;; maximum, or -1 when no count is above 0 (the TypeScript's scan keeps a strict `>` from 0, so
  ;; the first maximum in the same order). Four counts at a time for the maximum, then the first
  ;; group of four holding it.
  (func (export "argmax") (param $p i32) (param $n i32) (result i32)
    (local $i i32) (local $end i32) (local $v v128) (local $m i32) (local $t i32)
    (local.set $v (i32x4.splat (i32.const 0)))
    (local.set $end (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2)))
    (local.set $i (i32.const 0))
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $v (i32x4.max_s (local.get $v) (v128.load (i32.add (local.get $p) (local.get $i)))))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $l)))
    (local.set $m (i32x4.extract_lane 0 (local.get $v)))
    (local.set $t (i32x4.extract_lane 1 (local.get $v)))
    (if (i32.gt_s (local.get $t) (local.get $m)) (then (local.set $m (local.get $t))))
    (local.set $t (i32x4.extract_lane 2 (local.get $v)))
    (if (i32.gt_s (local.get $t) (local.get $m)) (then (local.set $m (local.get $t))))
    (local.set $t (i32x4.extract_lane 3 (local.get $v)))
    (if (i32.gt_s (local.get $t) (local.get $m)) (then (local.set $m (local.get $t))))
    (block $tdone
      (loop $tl
        (br_if $tdone (i32.ge_u (local.get $i) (i32.shl (local.get $n) (i32.const 2))))
        (local.set $t (i32.load (i32.add (local.get $p) (local.get $i))))
        (if (i32.gt_s (local.get $t) (local.get $m)) (then (local.set $m (local.get $t))))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $tl)))
    (if (i32.le_s (local.get $m) (i32.const 0)) (then (return (i32.const -1))))
    (local.set $v (i32x4.splat (local.get $m)))
    (local.set $i (i32.const 0))
    (block $fdone
      (loop $fl
        (br_if $fdone (i32.ge_u (local.get $i) (local.get $end)))
        (br_if $fdone (v128.any_true (i32x4.eq (local.get $v) (v128.load (i32.add (local.get $p) (local.get $i))))))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $fl)))
    (block $sdone
      (loop $sl
        (br_if $sdone (i32.eq (i32.load (i32.add (local.get $p) (local.get $i))) (local.get $m)))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $sl)))
    (i32.shr_u (local.get $i) (i32.const 2)))
)
