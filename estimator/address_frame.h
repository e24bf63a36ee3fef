// Address-relative keys of a loop segment that strides through unbounded storage: its streams, their
// bands, and the move of the state's locations by whole iterations (docs/arch-description.md).
#pragma once

#include <algorithm>
#include <cstdint>
#include <limits>
#include <utility>
#include <vector>

#include "estimator/bound_arch.h"
#include "estimator/eval_state.h"

namespace acv {

// In a segment of a loop whose address operands move by constant strides (those of its inner loops
// included), two iterations are alike up to a shift of addresses. Each address operand's accesses form a stream with the stride
// c of its operand (0 for one that stays or repeats), observed as offsets `address - c * i` relative
// to the iteration i, which repeat with the loop's period; over the segment a stream covers its band.
// When the bands of different strides do not overlap, moving every location in a band of stride c by
// c per iteration maps the state and the accesses of one iteration onto the next: the key holds such
// locations relative to c * i, and extrapolating k iterations moves them by k * c. A location in no
// band is never accessed in the segment: it is left out of the key and keeps its times.
class AddressFrame {
 public:
  // Live locations of a band of stride c != 0 as the key holds them: offset .. offset + n - 1.
  struct MovingRange {
    int64_t c, offset, n;
    Location l;
  };

  // `shifters`: the loop's address operands that move without wrapping (iteration_segments), kept.
  AddressFrame(int depth, int64_t begin, int64_t end, int64_t period, uint64_t start_stamp,
               std::vector<ShiftingOperand> shifters, AddressFrame* parent)
      : depth_(depth), begin_(begin), end_(end), period_(period), start_stamp_(start_stamp),
        shifters_(std::move(shifters)), parent_(parent) {}
  int depth() const { return depth_; }
  // The segment of an enclosing loop this one runs in, when that one observes too.
  AddressFrame* parent() const { return parent_; }
  // The stride per iteration of operand `e` (0 for one that does not move without wrapping).
  int64_t stride(const Expr* e) const;
  // Values carried from before the segment (evaluated at or before this stamp) stay: stride 0.
  uint64_t start_stamp() const { return start_stamp_; }

  // An access of `count` locations from `index` of `storage` through operand `e` (`owned`: evaluated
  // in the segment), at loop indices `idx` (inner loops' accesses included).
  void observe(int storage, const Expr* e, bool owned, int64_t index, int64_t count, const int64_t* idx);
  // After extrapolating up to iteration `i`: `to` (an enclosing segment's frame, its indices in idx)
  // observes the accesses of the skipped iterations, each stream's offsets at the stride it moved.
  void observe_moved(AddressFrame* to, int64_t i, const int64_t* idx) const;
  // Contract: splits the live locations (ranges sorted by address) of unbounded `storage` (bound as
  // `bs`) at iteration `i`: those in a band of stride 0 stay in `live`, those of stride c != 0 go to
  // moving() (by stride, then offset), the others are dropped. False when bands of different strides
  // overlap or a move would change a bank.
  bool relative_key(const BoundStorage& bs, std::size_t storage, int64_t i, std::vector<LocationRange>* live);
  // Whether every stream into `storage` keeps its bank from one period to the next.
  bool same_banks(const BoundStorage& bs, std::size_t storage) const;
  // Whether every location of `rows` (unbounded `storage`) in a band has its write_ready at or below `fl`.
  bool settled(std::size_t storage, const LocationMap& rows, int64_t fl);
  const std::vector<MovingRange>& moving() const { return moving_; }
  // The streams (their bands decide which locations move), for the key.
  void append_streams(std::vector<int64_t>* key) const;
  // Whether every location of `s` in a band of stride c stays in such a band when moved by k * c.
  bool can_move(const BoundArch& a, const State& s, int64_t k, uint64_t keep = 0) const;
  // After extrapolating `k` iterations and shifting the times of `s` by `by`: every location in a band
  // of stride c moves by k * c, and the locations in no band get their times back.
  // Storages in `keep` (bit per storage) are left as they are.
  void move(const BoundArch& a, State* s, int64_t k, int64_t by, uint64_t keep = 0) const;

 private:
  struct Stream {
    const Expr* e;
    bool owned;
    int64_t storage, c, lo, hi;  // offsets lo..hi relative to c * i
  };
  int64_t band_lo(const Stream& x) const { return x.c == 0 ? x.lo : x.lo + std::min(x.c * begin_, x.c * (end_ - 1)); }
  int64_t band_hi(const Stream& x) const { return x.c == 0 ? x.hi : x.hi + std::max(x.c * begin_, x.c * (end_ - 1)); }
  // The bands of `storage` merged into disjoint intervals of one stride each, sorted, in bands_; false
  // when bands of different strides overlap.
  struct Band {
    int64_t lo, hi, c;
  };
  bool merge_bands(int64_t storage, std::vector<Band>* bands) const;
  // The interval of `bands` holding `address`, or null.
  static const Band* band_of(const std::vector<Band>& bands, int64_t address);
  // Calls f(lo, n, band) on the pieces of `x` each in one interval of `bands` (band) or in none (null).
  template <class F>
  static void pieces(const std::vector<Band>& bands, const LocationRange& x, F f);

  int depth_;
  int64_t begin_, end_, period_;
  uint64_t start_stamp_;
  std::vector<ShiftingOperand> shifters_;  // sorted by operand
  AddressFrame* parent_;
  std::vector<Stream> streams_;
  std::vector<MovingRange> moving_;     // scratch of relative_key()
  std::vector<Band> bands_;             // scratch of relative_key()
  std::vector<int64_t> strides_;        // scratch of relative_key()
  std::vector<MovingRange> grouped_;    // scratch of relative_key()
  std::vector<LocationRange> kept_;     // scratch of relative_key()
};

// Inline: called for every access an instruction's steps make through an address operand.
inline void AddressFrame::observe(int storage, const Expr* e, bool owned, int64_t index, int64_t count,
                                  const int64_t* idx) {
  if (count <= 0 || !e) return;
  Stream* x = nullptr;
  for (Stream& y : streams_)
    if (y.e == e && y.owned == owned && y.storage == storage) x = &y;
  if (!x) {
    const int64_t c = owned ? stride(e) : 0;
    streams_.push_back(Stream{e, owned, storage, c, std::numeric_limits<int64_t>::max(),
                              std::numeric_limits<int64_t>::min()});
    x = &streams_.back();
  }
  const int64_t off = index - x->c * idx[depth_];
  x->lo = std::min(x->lo, off);
  x->hi = std::max(x->hi, off + count - 1);
}

}  // namespace acv
