package com.snapasset.imaging;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.zip.Adler32;

/**
 * A zlib stream (RFC 1950) of DEFLATE (RFC 1951) blocks, written in Java for photographs' filtered
 * rows at PNG level 9, where the JDK's zlib 9 spends its time walking hash chains of residuals that recur
 * everywhere in 3 bytes. Here the chains are keyed on 4 bytes and matches shorter than
 * {@code minMatch} (6; see {@link #flat} and {@link #unfiltered} for flat images' rows) are not
 * taken, as zlib's {@code Z_FILTERED} drops those up to 5 bytes too
 * (they cost about as many bits as their literals on filtered rows), so a chain holds only the
 * candidates that can give a match; matching is lazy as zlib's (a match is deferred when the next
 * position has a longer one). The symbols are split into blocks where their statistics change
 * (see {@link #flushBlock}), each written stored, with the fixed code or with a dynamic one,
 * whichever is smallest (fixed and dynamic costs are exact; a stored block's padding is counted as
 * a whole byte). Input is streamed: the 32 KiB window is kept behind the position
 * being coded.
 */
final class ZlibEncoder {
  static final int WINDOW = 1 << 15;
  private static final int WMASK = WINDOW - 1;
  private static final int MAX_MATCH = 258;
  /** Bytes kept ahead of the coded position while more input may come: a longest match and a read. */
  private static final int LOOKAHEAD = MAX_MATCH + 8;
  private static final int HASH_BITS = 16;
  private static final int HASH3_BITS = 15;
  /** Matches of 3 bytes are taken up to this distance only (zlib's rule). */
  private static final int TOO_FAR = 4096;
  private static final VarHandle INT =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle LONG =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  private static final int[] LEN_BASE = {3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31,
      35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258};
  private static final int[] LEN_EXTRA = {0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3,
      3, 4, 4, 4, 4, 5, 5, 5, 5, 0};
  private static final int[] DIST_BASE = {1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129,
      193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577};
  private static final int[] DIST_EXTRA = {0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7,
      8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13};
  /** Length code (0-28, symbol 257 + it) of each match length 0-258. */
  private static final byte[] LEN_CODE = new byte[MAX_MATCH + 1];
  /** Order in which the code-length code's lengths are written (RFC 1951 §3.2.7). */
  private static final int[] CL_ORDER = {16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14,
      1, 15};
  private static final int[] FIXED_LIT_LEN = new int[288];
  private static final int[] FIXED_LIT_CODE = new int[288];
  private static final int[] FIXED_DIST_LEN = new int[30];
  private static final int[] FIXED_DIST_CODE = new int[30];

  static {
    for (int c = 0; c < 29; c++) {
      for (int len = LEN_BASE[c]; len < LEN_BASE[c] + (1 << LEN_EXTRA[c]) && len <= MAX_MATCH; len++) {
        LEN_CODE[len] = (byte) c;
      }
    }
    for (int s = 0; s < 288; s++) {
      FIXED_LIT_LEN[s] = s < 144 ? 8 : s < 256 ? 9 : s < 280 ? 7 : 8;
    }
    HuffmanLengths.codes(FIXED_LIT_LEN, 288, FIXED_LIT_CODE);
    java.util.Arrays.fill(FIXED_DIST_LEN, 5);
    HuffmanLengths.codes(FIXED_DIST_LEN, 30, FIXED_DIST_CODE);
  }

  // how hard the match finder looks (see the constructor)
  private final int maxChain;
  private final int niceLength;
  private final int minMatch;
  private final int blockSymbols;
  /** Whether {@link #search} skips runs of one byte value (see {@link #searchRun}). */
  private final boolean skipRuns;
  /**
   * Where matches of 3 are taken ({@code minMatch} 3): the latest position of each 3-byte hash,
   * the one candidate tried for a match of 3 (up to {@link #TOO_FAR} away); otherwise null. The
   * chains stay keyed on 4 bytes: chains keyed on 3 are several times denser, so the same
   * candidates reach far less far back (+10-12 % bytes against zlib 9 on dithered few-colour
   * pixels when they were).
   */
  private final int[] head3;

  private final OutputStream out;
  private final Adler32 adler = new Adler32();
  /** Input: the window behind {@link #pos}, then the bytes not coded yet, up to {@link #end}. */
  private final byte[] buf = new byte[6 * WINDOW];
  private int end;
  private int pos;
  /** Latest position of each 4-byte hash, or below the window. */
  private final int[] head = new int[1 << HASH_BITS];
  /** Previous position with the same hash, for positions in the window (by position mod 32 KiB). */
  private final int[] prev = new int[WINDOW];
  /**
   * For {@link #searchRun}, by position mod 32 KiB: how many bytes before the position equal its
   * byte (counted from where the buffer started when it was filled in: after a slide a count may
   * reach past the buffer's start, which the window's bound cuts). It replaced a byte-by-byte scan
   * back to each candidate run's start, a third of the filtered flat encoding's CPU on the
   * comparison illustration (the same matches: the scan's bounds are applied to it).
   */
  private final int[] back;
  /** Positions below this have their {@link #back} count. */
  private int backDone;
  // lazy matching state: the byte at pos - 1 is not coded yet and had a match of prevLen (or 0)
  private boolean pending;
  private int prevLen;
  private int prevDist;
  private boolean literalsOnly;

  // the current block's symbols: a literal byte, or dist << 9 | length
  private final int[] syms;
  private int nsyms;
  /** Input bytes the block's symbols cover, ending at {@link #covered} in {@link #buf}. */
  private int rawCount;
  private int covered;
  // frequencies of the symbols blockCost was given
  private final int[] litFreq = new int[286];
  private final int[] distFreq = new int[30];

  // output: bits LSB-first, buffered in bytes
  private long bitBuf;
  private int bitCount;
  private final byte[] obuf = new byte[1 << 16];
  private int olen;
  private boolean finished;

  // scratch for block coding
  private final int[] litLen = new int[286];
  private final int[] litCode = new int[286];
  private final int[] distLen = new int[30];
  private final int[] distCode = new int[30];
  private final int[] clFreq = new int[19];
  private final int[] clLen = new int[19];
  private final int[] clCode = new int[19];
  private final int[] clSyms = new int[286 + 30];

  /**
   * Level 9's parameters for PNG's filtered rows: up to 1024 candidates (128 and 512 cost the
   * comparison photographs up to 0.9 % and 0.1 % more bytes than zlib 9; 1024 none, in 0.45-0.8 of
   * its CPU time), any match of 258 ends the search (64 cost the illustration 3 %: its runs are
   * long), blocks of up to 64 Ki symbols for {@link #flushBlock} to split.
   */
  ZlibEncoder(OutputStream out) {
    this(out, 1024, MAX_MATCH, 6, 1 << 16);
  }

  /**
   * Level 9's parameters for filtered rows of flat drawings and screenshots, mostly runs of zero
   * residuals: runs are stepped over (see {@link #searchRun}), so 256 candidates reach further than
   * zlib 9's 4096 (the comparison's filtered flat renders: 0.5-2.4 % smaller than zlib 9 in 0.3-0.9
   * of its CPU; 128 candidates: 0.7-1.0 % smaller in half its CPU; 512: 1.6-2.0 %, as slow as it).
   * On 4 MiB adversarial inputs against zlib 9's Z_FILTERED: -5 to +0.7 % in 0.1-1.9 times its
   * CPU (above 1 for a long string repeated with one byte changed, 1.7-1.9, and half noise, 1.2);
   * +2-7 % on unfiltered-like pixels (dithered, grey runs), which level 9 sends to
   * {@link #unfiltered} instead.
   */
  static ZlibEncoder flat(OutputStream out) {
    return new ZlibEncoder(out, 256, MAX_MATCH, 6, 1 << 16, true);
  }

  /**
   * Level 9's parameters for unfiltered rows (screenshots' text, palette-like drawings): a pixel
   * repeated alone is worth a match there, so matches of 3 bytes are taken, as by zlib's default
   * strategy (up to 4 KiB away, zlib's rule), from the latest position with the same 3 bytes (see
   * {@link #head3}); matches of 4 up come from the 4-byte chains, 1024 candidates, runs (white,
   * grey) stepped over as in {@link #flat}. Measured against zlib 9 (JDK 17, loaded machine,
   * per-thread CPU, best of 3): the screenshot's and illustration's unfiltered renders -1.2 to
   * +0.1 % in 0.5-0.85 of its CPU. On 4 MiB adversarial inputs (the reviewer's: dithered
   * 2/4/16-colour pixels, few byte values, runs between random bytes, a long string repeated with
   * one byte changed) -12 to +1.9 % (dithered 2-colour pixels the worst) in 0.07-2.7 times its CPU:
   * above 1 where short runs or long near-repeats fill the chains (1.3-2.7), below on dithered
   * pixels (0.4-0.8) and few byte values (0.5).
   */
  static ZlibEncoder unfiltered(OutputStream out) {
    return new ZlibEncoder(out, 1024, MAX_MATCH, 3, 1 << 16, true);
  }

  /**
   * {@code maxChain}: chain candidates tried per position (a quarter once a match of 32 is held);
   * {@code niceLength}: a match this long ends the search; {@code minMatch} (3-258): shorter
   * matches are coded as literals; {@code blockSymbols}: symbols per block.
   */
  ZlibEncoder(OutputStream out, int maxChain, int niceLength, int minMatch, int blockSymbols) {
    this(out, maxChain, niceLength, minMatch, blockSymbols, false);
  }

  /** As above; {@code skipRuns}: see {@link #searchRun}. */
  ZlibEncoder(OutputStream out, int maxChain, int niceLength, int minMatch, int blockSymbols,
      boolean skipRuns) {
    if (minMatch < 3 || minMatch > MAX_MATCH || maxChain < 1 || niceLength < minMatch
        || blockSymbols < 1) {
      throw new IllegalArgumentException("bad parameters");
    }
    this.out = out;
    this.maxChain = maxChain;
    this.niceLength = Math.min(niceLength, MAX_MATCH);
    this.minMatch = minMatch;
    this.blockSymbols = blockSymbols;
    this.skipRuns = skipRuns;
    this.head3 = minMatch == 3 ? new int[1 << HASH3_BITS] : null;
    this.back = skipRuns ? new int[WINDOW] : null;
    if (head3 != null) {
      java.util.Arrays.fill(head3, -1);
    }
    this.syms = new int[blockSymbols];
    java.util.Arrays.fill(head, -1);
    java.util.Arrays.fill(prev, -1);
    // zlib header: deflate, 32 KiB window, "maximum compression", no dictionary (check bits: 0x78DA % 31 == 0)
    obuf[olen++] = 0x78;
    obuf[olen++] = (byte) 0xDA;
  }

  /**
   * Codes what follows as literals only (Huffman coding, no matches) while {@code on}: noise-like
   * residuals, where matches are rare and looking for them costs most. The block ends here. The
   * switch takes effect at the coding position, which trails the input by up to a match's
   * lookahead (266 bytes): the end of what was written before is coded in the new mode, and a
   * match already found there may still be sent. Either way the output inflates to the input.
   */
  void literalsOnly(boolean on) throws IOException {
    if (on == literalsOnly) {
      return;
    }
    compress(false);
    if (nsyms > 0) {
      flushBlock(false);
    }
    literalsOnly = on;
  }

  void write(byte[] b, int off, int len) throws IOException {
    if (finished) {
      throw new IllegalStateException("finished");
    }
    adler.update(b, off, len);
    while (len > 0) {
      if (end == buf.length) {
        compress(false);
        slide();
      }
      int n = Math.min(len, buf.length - end);
      System.arraycopy(b, off, buf, end, n);
      end += n;
      off += n;
      len -= n;
    }
  }

  /** Codes the rest, ends the stream with its Adler-32 and flushes it to the output stream. */
  void finish() throws IOException {
    if (finished) {
      return;
    }
    compress(true);
    flushBlock(true);
    if (bitCount > 0) {
      putBits(0, (8 - (bitCount & 7)) & 7);
    }
    flushBits();
    int a = (int) adler.getValue();
    ensure(4);
    obuf[olen++] = (byte) (a >>> 24);
    obuf[olen++] = (byte) (a >>> 16);
    obuf[olen++] = (byte) (a >>> 8);
    obuf[olen++] = (byte) a;
    out.write(obuf, 0, olen);
    olen = 0;
    finished = true;
  }

  /**
   * Moves the window and what is not coded yet to the start of the buffer, keeping the current
   * block's bytes too where they fit (for a stored block), by a multiple of the window: {@link
   * #prev} is indexed by position modulo the window, and any other shift scrambles its chains (the
   * output stays correct, as every match is checked, but the chains lead to the wrong candidates:
   * 4-20 % larger output when it did).
   */
  private void slide() {
    int delta = (pos - WINDOW) & ~WMASK;
    int keep = (covered - rawCount) & ~WMASK;
    if (keep < delta && keep >= WINDOW) {
      delta = keep;
    }
    if (delta <= 0) {
      return;
    }
    System.arraycopy(buf, delta, buf, 0, end - delta);
    end -= delta;
    pos -= delta;
    covered -= delta;
    backDone = Math.max(0, backDone - delta);
    for (int i = 0; i < head.length; i++) {
      int v = head[i] - delta;
      head[i] = v < -1 ? -1 : v;
    }
    for (int i = 0; i < prev.length; i++) {
      int v = prev[i] - delta;
      prev[i] = v < -1 ? -1 : v;
    }
    if (head3 != null) {
      for (int i = 0; i < head3.length; i++) {
        int v = head3[i] - delta;
        head3[i] = v < -1 ? -1 : v;
      }
    }
  }

  private int hash(int p) {
    return ((int) INT.get(buf, p) * 0x9E3779B1) >>> (32 - HASH_BITS);
  }

  /** The 3-byte hash of {@code p} (read byte by byte: {@code p + 3} may be the buffer's end). */
  private int hash3(int p) {
    byte[] w = buf;
    int v = (w[p] & 0xFF) | (w[p + 1] & 0xFF) << 8 | (w[p + 2] & 0xFF) << 16;
    return (v * 0x9E3779B1) >>> (32 - HASH3_BITS);
  }

  /** Codes the input up to where a longest match still fits ({@code last}: all of it). */
  private void compress(boolean last) throws IOException {
    int limit = last ? end : end - LOOKAHEAD;
    int hashEnd = end - 4; // last position whose 4 bytes are all in
    int hash3End = head3 == null ? -1 : end - 3; // last position whose 3 bytes are all in
    byte[] w = buf;
    int p = pos;
    while (p < limit) {
      if (literalsOnly && !pending) {
        for (; p < limit; p++) {
          literal(w[p] & 0xFF, p);
        }
        break;
      }
      int len = 0;
      int dist = 0;
      if (!literalsOnly && p <= hashEnd) {
        int h = hash(p);
        int cand = head[h];
        head[h] = p;
        prev[p & WMASK] = cand;
        if (cand >= 0 && prevLen < niceLength) {
          long found = search(p, cand, prevLen);
          len = (int) found;
          dist = (int) (found >>> 32);
        }
      }
      if (!literalsOnly && p <= hash3End) {
        int h = hash3(p);
        int cand = head3[h];
        head3[h] = p;
        // no match of 4 or more: the latest position with the same 3 bytes, if near enough
        if (len == 0 && prevLen < 3 && cand >= 0 && p - cand <= TOO_FAR && w[cand] == w[p]
            && w[cand + 1] == w[p + 1] && w[cand + 2] == w[p + 2]) {
          len = 3;
          dist = p - cand;
        }
      }
      if (prevLen >= minMatch && len <= prevLen) {
        // the match at p - 1 is at least as long as any starting here: take it
        int stop = p - 1 + prevLen;
        match(prevLen, prevDist, p - 1);
        if (!literalsOnly) {
          for (int q = p + 1; q < stop && q <= hashEnd; q++) {
            int h = hash(q);
            prev[q & WMASK] = head[h];
            head[h] = q;
          }
          for (int q = p + 1; q < stop && q <= hash3End; q++) {
            head3[hash3(q)] = q;
          }
        }
        p = stop;
        pending = false;
        prevLen = 0;
      } else {
        if (pending) {
          literal(w[p - 1] & 0xFF, p - 1);
        }
        if (literalsOnly) { // p is not coded yet: the loop's literal run codes it
          pending = false;
          prevLen = 0;
          continue;
        }
        pending = true;
        prevLen = len;
        prevDist = dist;
        p++;
      }
    }
    if (last && pending) {
      literal(w[p - 1] & 0xFF, p - 1);
      pending = false;
      prevLen = 0;
    }
    pos = p;
  }

  /**
   * The longest match at {@code p} longer than {@code best} and at least {@link #minMatch} from the
   * chain starting at {@code cand}: length in the low, distance in the high 32 bits (0 if none).
   */
  private long search(int p, int cand, int best) {
    byte[] w = buf;
    int maxLen = Math.min(MAX_MATCH, end - p);
    best = Math.max(best, minMatch - 1);
    if (best >= maxLen) {
      return 0;
    }
    int nice = Math.min(niceLength, maxLen);
    int chain = best >= 32 ? maxChain >> 2 : maxChain;
    int lowest = Math.max(p - WINDOW, -1); // distances up to 32767 (32768 would share p's slot in prev)
    int bestDist = 0;
    int first = (int) INT.get(w, p);
    if (skipRuns && first == (first & 0xFF) * 0x01010101) {
      return searchRun(p, cand, best, maxLen, nice, chain, lowest);
    }
    while (cand > lowest && chain-- > 0) {
      if (w[cand + best] == w[p + best] && (int) INT.get(w, cand) == first) {
        int len = matchLength(cand, p, maxLen);
        if (len > best) {
          best = len;
          bestDist = p - cand;
          if (len >= nice) {
            break;
          }
        }
      }
      int next = prev[cand & WMASK];
      if (next >= cand) {
        break;
      }
      cand = next;
    }
    return bestDist == 0 ? 0 : ((long) bestDist << 32) | best;
  }

  /** The length (4 to {@code maxLen}) of the match at {@code cand} for {@code p}, whose first 4 bytes are equal. */
  private int matchLength(int cand, int p, int maxLen) {
    byte[] w = buf;
    int len = 4;
    while (len + 8 <= maxLen) {
      long x = (long) LONG.get(w, cand + len) ^ (long) LONG.get(w, p + len);
      if (x != 0) {
        return len + (Long.numberOfTrailingZeros(x) >>> 3);
      }
      len += 8;
    }
    while (len < maxLen && w[cand + len] == w[p + len]) {
      len++;
    }
    return len;
  }

  /**
   * {@link #search} where {@code p} starts with a run of one byte value ({@code k} of them): the
   * chain of such a position holds every position of every earlier run of that value, and only
   * the one whose run is exactly {@code k} long can match beyond {@code k} (one with a shorter run
   * matches its run's length, a longer one {@code k}). So each run costs two candidates, not its
   * length: a candidate with a shorter run jumps to where the run would be {@code k} long, one
   * with a longer run jumps to the chain before the run's start (every position of a run is in
   * the chain, as all positions are). A shorter run that starts less than {@code k} before the
   * candidate (it ends where the chain's positions of it end) is scored at its start, the longest
   * match it holds, before the walk moves past it; so with chains walked to the window's end this
   * finds the match the plain walk finds (the tests compare the streams byte for byte, for
   * {@code minMatch} 6 and 3). On filtered flat drawings, where most residuals are runs of zeros,
   * the same chain budget then reaches much further back.
   */
  private long searchRun(int p, int cand, int best, int maxLen, int nice, int chain, int lowest) {
    byte[] w = buf;
    byte b = w[p];
    int first = (int) INT.get(w, p);
    long run = (first & 0xFFFFFFFFL) * 0x100000001L;
    for (int q = backDone; q < p; q++) { // back[] up to p - 1, where the candidates are
      // capped at the window: a longer reach is never read (runs of 2 GiB would wrap the count)
      back[q & WMASK] =
          q > 0 && w[q - 1] == w[q] ? Math.min(back[(q - 1) & WMASK] + 1, WINDOW) : 0;
    }
    backDone = Math.max(backDone, p);
    int k = 4; // p's run, up to maxLen
    while (true) {
      if (k + 8 > maxLen) {
        while (k < maxLen && w[p + k] == b) {
          k++;
        }
        break;
      }
      long x = (long) LONG.get(w, p + k) ^ run;
      if (x != 0) {
        k += Long.numberOfTrailingZeros(x) >>> 3;
        break;
      }
      k += 8;
    }
    int bestDist = 0;
    while (cand > lowest && chain-- > 0) {
      int next;
      if ((int) INT.get(w, cand) != first) {
        next = prev[cand & WMASK];
      } else {
        int len = matchLength(cand, p, maxLen);
        if (len > best) {
          best = len;
          bestDist = p - cand;
          if (len >= nice) {
            break;
          }
        }
        if (len > k || (len == k && (k == maxLen || w[cand + k] != b))) {
          next = prev[cand & WMASK]; // the candidate's run is exactly k long: an ordinary one
        } else {
          // the run at cand is shorter than k (len < k) or longer (len == k, more b follow):
          // step back to where it would be k long, or to its start when it does not reach there
          int need = len < k ? k - len : Integer.MAX_VALUE;
          // how far the run reaches back, bounded by need and the window
          int s = Math.max(cand - back[cand & WMASK], lowest + 1);
          if (len < k) {
            s = Math.max(s, cand - need);
          }
          if (cand - s == need) {
            next = s; // in the chain: its 4 bytes are b as well
          } else if (len < k && len + (cand - s) > best) {
            // the run ends at s, shorter than k: s itself matches the whole run, the longest of it
            best = len + (cand - s);
            bestDist = p - s;
            if (s - 1 <= lowest) {
              break;
            }
            next = prev[s & WMASK];
          } else if (s - 1 <= lowest) {
            break; // the run reaches the window's end: nothing older is in it
          } else {
            next = prev[s & WMASK];
          }
        }
      }
      if (next >= cand) {
        break;
      }
      cand = next;
    }
    return bestDist == 0 ? 0 : ((long) bestDist << 32) | best;
  }

  private void literal(int b, int at) throws IOException {
    syms[nsyms++] = b;
    rawCount++;
    covered = at + 1;
    if (nsyms == syms.length) {
      flushBlock(false);
    }
  }

  private void match(int len, int dist, int at) throws IOException {
    syms[nsyms++] = (dist << 9) | len;
    rawCount += len;
    covered = at + len;
    if (nsyms == syms.length) {
      flushBlock(false);
    }
  }

  /** The distance code (0-29) of a distance 1-32768. */
  private static int distCode(int dist) {
    int d = dist - 1;
    if (d < 4) {
      return d;
    }
    int nb = 31 - Integer.numberOfLeadingZeros(d);
    return 2 * nb + ((d >>> (nb - 1)) & 1);
  }

  /**
   * Writes the symbols so far as one block or several: a half is split off while coding the halves
   * apart is smaller than coding them together (each with its own Huffman code), down to
   * {@link #MIN_SPLIT} symbols. The statistics of filtered rows change with the picture (sky, then
   * detail), and zlib's fixed blocks of 16 Ki symbols cannot follow them.
   */
  private void flushBlock(boolean last) throws IOException {
    int rawFrom = covered - rawCount;
    split(0, nsyms, rawFrom, blockCost(0, nsyms, rawFrom), last);
    nsyms = 0;
    rawCount = 0;
  }

  private void split(int from, int to, int rawFrom, long whole, boolean last) throws IOException {
    if (to - from >= 2 * MIN_SPLIT) {
      int mid = (from + to) >>> 1;
      long left = blockCost(from, mid, rawFrom);
      int rawMid = rawFrom + blockRaw;
      long right = blockCost(mid, to, rawMid);
      if (left + right < whole) {
        split(from, mid, rawFrom, left, false);
        split(mid, to, rawMid, right, last);
        return;
      }
    }
    blockCost(from, to, rawFrom);
    emit(from, to, rawFrom, last);
  }

  /** Symbols below which a block is not split further. */
  private static final int MIN_SPLIT = 1 << 11;
  // what blockCost found for the symbols it was last given
  private int blockRaw;
  private int blockType;
  private int nlit;
  private int ndist;
  private int nclen;
  private int ncl;

  /**
   * The size in bits of symbols {@code [from, to)} (input from {@code rawFrom} in {@link #buf}, or
   * before the buffer if negative) as the smallest of a stored, fixed-code or dynamic-code block,
   * leaving that block's codes ready for {@link #emit}.
   */
  private long blockCost(int from, int to, int rawFrom) {
    java.util.Arrays.fill(litFreq, 0);
    java.util.Arrays.fill(distFreq, 0);
    int raw = 0;
    int[] s = syms;
    for (int i = from; i < to; i++) {
      int v = s[i];
      if (v < 512) {
        litFreq[v]++;
        raw++;
      } else {
        int len = v & 511;
        litFreq[257 + LEN_CODE[len]]++;
        distFreq[distCode(v >>> 9)]++;
        raw += len;
      }
    }
    blockRaw = raw;
    litFreq[256] = 1;
    HuffmanLengths.build(litFreq, 286, 15, litLen);
    HuffmanLengths.build(distFreq, 30, 15, distLen);
    nlit = 286;
    while (nlit > 257 && litLen[nlit - 1] == 0) {
      nlit--;
    }
    ndist = 30;
    while (ndist > 1 && distLen[ndist - 1] == 0) {
      ndist--;
    }
    // the code lengths as code-length symbols (16: repeat previous 3-6, 17/18: zeros 3-10/11-138)
    java.util.Arrays.fill(clFreq, 0);
    ncl = 0;
    int total = nlit + ndist;
    for (int i = 0; i < total; ) {
      int len = i < nlit ? litLen[i] : distLen[i - nlit];
      int run = 1;
      while (i + run < total && (i + run < nlit ? litLen[i + run] : distLen[i + run - nlit]) == len) {
        run++;
      }
      i += run;
      if (len == 0) {
        while (run >= 11) {
          int r = Math.min(run, 138);
          clSyms[ncl++] = 18 | (r - 11) << 5;
          clFreq[18]++;
          run -= r;
        }
        if (run >= 3) {
          clSyms[ncl++] = 17 | (run - 3) << 5;
          clFreq[17]++;
          run = 0;
        }
      } else {
        clSyms[ncl++] = len;
        clFreq[len]++;
        run--;
        while (run >= 3) {
          int r = Math.min(run, 6);
          clSyms[ncl++] = 16 | (r - 3) << 5;
          clFreq[16]++;
          run -= r;
        }
      }
      for (; run > 0; run--) {
        clSyms[ncl++] = len;
        clFreq[len]++;
      }
    }
    HuffmanLengths.build(clFreq, 19, 7, clLen);
    nclen = 19;
    while (nclen > 4 && clLen[CL_ORDER[nclen - 1]] == 0) {
      nclen--;
    }
    long extra = 0;
    long dynamic = 3 + 5 + 5 + 4 + 3L * nclen;
    long fixed = 3;
    for (int c = 0; c < 19; c++) {
      dynamic += (long) clFreq[c] * clLen[c];
    }
    dynamic += 2L * clFreq[16] + 3L * clFreq[17] + 7L * clFreq[18];
    for (int c = 0; c < 286; c++) {
      dynamic += (long) litFreq[c] * litLen[c];
      fixed += (long) litFreq[c] * FIXED_LIT_LEN[c];
    }
    for (int c = 0; c < 29; c++) {
      extra += (long) litFreq[257 + c] * LEN_EXTRA[c];
    }
    for (int c = 0; c < 30; c++) {
      dynamic += (long) distFreq[c] * distLen[c];
      fixed += 5L * distFreq[c];
      extra += (long) distFreq[c] * DIST_EXTRA[c];
    }
    dynamic += extra;
    fixed += extra;
    // a stored block needs its bytes, which slide() keeps unless the block is longer than that
    long stored = rawFrom >= 0
        ? 3 + 7 + 8L * raw + 40L * Math.max(1, (raw + 65534) / 65535) : Long.MAX_VALUE;
    if (stored < dynamic && stored < fixed) {
      blockType = 0;
      return stored;
    }
    blockType = fixed <= dynamic ? 1 : 2;
    return Math.min(fixed, dynamic);
  }

  /** Writes symbols {@code [from, to)} as the block {@link #blockCost} last chose for them. */
  private void emit(int from, int to, int rawFrom, boolean last) throws IOException {
    if (blockType == 0) {
      writeStored(last, rawFrom, blockRaw);
    } else if (blockType == 1) {
      putBits(last ? 1 : 0, 1);
      putBits(1, 2);
      writeSymbols(from, to, FIXED_LIT_CODE, FIXED_LIT_LEN, FIXED_DIST_CODE, FIXED_DIST_LEN);
    } else {
      putBits(last ? 1 : 0, 1);
      putBits(2, 2);
      putBits(nlit - 257, 5);
      putBits(ndist - 1, 5);
      putBits(nclen - 4, 4);
      for (int i = 0; i < nclen; i++) {
        putBits(clLen[CL_ORDER[i]], 3);
      }
      HuffmanLengths.codes(clLen, 19, clCode);
      for (int i = 0; i < ncl; i++) {
        int c = clSyms[i] & 31;
        int r = clSyms[i] >>> 5;
        putBits(clCode[c], clLen[c]);
        if (c == 16) {
          putBits(r, 2);
        } else if (c == 17) {
          putBits(r, 3);
        } else if (c == 18) {
          putBits(r, 7);
        }
      }
      HuffmanLengths.codes(litLen, 286, litCode);
      HuffmanLengths.codes(distLen, 30, distCode);
      writeSymbols(from, to, litCode, litLen, distCode, distLen);
    }
  }

  private void writeSymbols(int from, int to, int[] lc, int[] ll, int[] dc, int[] dl)
      throws IOException {
    int[] s = syms;
    for (int i = from; i < to; i++) {
      int v = s[i];
      if (v < 512) {
        putBits(lc[v], ll[v]);
      } else {
        int len = v & 511;
        int dist = v >>> 9;
        int c = LEN_CODE[len];
        putBits(lc[257 + c] | (len - LEN_BASE[c]) << ll[257 + c], ll[257 + c] + LEN_EXTRA[c]);
        int d = distCode(dist);
        putBits(dc[d] | (dist - DIST_BASE[d]) << dl[d], dl[d] + DIST_EXTRA[d]);
      }
    }
    putBits(lc[256], ll[256]);
  }

  private void writeStored(boolean last, int from, int length) throws IOException {
    do {
      int n = Math.min(length, 65535);
      length -= n;
      putBits(last && length == 0 ? 1 : 0, 1);
      putBits(0, 2);
      putBits(0, (8 - (bitCount & 7)) & 7);
      flushBits();
      ensure(4);
      obuf[olen++] = (byte) n;
      obuf[olen++] = (byte) (n >>> 8);
      obuf[olen++] = (byte) ~n;
      obuf[olen++] = (byte) (~n >>> 8);
      out.write(obuf, 0, olen);
      olen = 0;
      out.write(buf, from, n);
      from += n;
    } while (length > 0);
  }

  /** Appends the low {@code n} bits of {@code value} (n at most 32), LSB first. */
  private void putBits(int value, int n) throws IOException {
    bitBuf |= (value & 0xFFFFFFFFL) << bitCount;
    bitCount += n;
    if (bitCount >= 32) {
      if (olen > obuf.length - 4) {
        out.write(obuf, 0, olen);
        olen = 0;
      }
      int v = (int) bitBuf;
      obuf[olen] = (byte) v;
      obuf[olen + 1] = (byte) (v >>> 8);
      obuf[olen + 2] = (byte) (v >>> 16);
      obuf[olen + 3] = (byte) (v >>> 24);
      olen += 4;
      bitBuf >>>= 32;
      bitCount -= 32;
    }
  }

  /** Writes the whole bytes of the bit buffer (after a pad to a byte boundary). */
  private void flushBits() throws IOException {
    while (bitCount >= 8) {
      ensure(1);
      obuf[olen++] = (byte) bitBuf;
      bitBuf >>>= 8;
      bitCount -= 8;
    }
  }

  private void ensure(int n) throws IOException {
    if (olen > obuf.length - n) {
      out.write(obuf, 0, olen);
      olen = 0;
    }
  }
}
