// Address-relative keys of strided loop segments (see address_frame.h).
#include "estimator/address_frame.h"

#include <algorithm>
#include <functional>
#include <limits>

namespace acv {

int64_t AddressFrame::stride(const Expr* e) const {
  const auto it = std::lower_bound(shifters_.begin(), shifters_.end(), e, [](const ShiftingOperand& x, const Expr* y) {
    return std::less<const Expr*>()(x.e, y);
  });
  return it != shifters_.end() && it->e == e ? it->c : 0;
}

void AddressFrame::observe_moved(AddressFrame* to, int64_t i, const int64_t* idx) const {
  // Offsets are hulls: the last iteration's with the ones observed before cover those in between.
  for (const Stream& x : streams_)
    if (x.c != 0) to->observe(static_cast<int>(x.storage), x.e, true, x.lo + x.c * i, x.hi - x.lo + 1, idx);
}

bool AddressFrame::merge_bands(int64_t storage, std::vector<Band>* bands) const {
  bands->clear();
  for (const Stream& x : streams_)
    if (x.storage == storage) bands->push_back(Band{band_lo(x), band_hi(x), x.c});
  std::sort(bands->begin(), bands->end(), [](const Band& x, const Band& y) { return x.lo < y.lo; });
  // Sorted by start, a band overlapping the union of the previous ones overlaps one of them.
  std::size_t n = 0;
  for (const Band& y : *bands) {
    if (n > 0 && y.lo <= (*bands)[n - 1].hi) {
      Band& cur = (*bands)[n - 1];
      if (y.c != cur.c) return false;
      cur.hi = std::max(cur.hi, y.hi);
    } else {
      (*bands)[n++] = y;
    }
  }
  bands->resize(n);
  return true;
}

const AddressFrame::Band* AddressFrame::band_of(const std::vector<Band>& bands, int64_t address) {
  auto it = std::upper_bound(bands.begin(), bands.end(), address, [](int64_t v, const Band& b) { return v < b.lo; });
  if (it == bands.begin()) return nullptr;
  --it;
  return address <= it->hi ? &*it : nullptr;
}

template <class F>
void AddressFrame::pieces(const std::vector<Band>& bands, const LocationRange& x, F f) {
  // The first interval ending at or after x.lo, then those starting before its end.
  auto it = std::partition_point(bands.begin(), bands.end(), [&](const Band& b) { return b.hi < x.lo; });
  int64_t at = x.lo;
  for (; it != bands.end() && it->lo < x.end(); ++it) {
    if (at < it->lo) f(at, it->lo - at, static_cast<const Band*>(nullptr)), at = it->lo;
    const int64_t to = std::min(x.end(), it->hi + 1);
    f(at, to - at, &*it);
    at = to;
  }
  if (at < x.end()) f(at, x.end() - at, static_cast<const Band*>(nullptr));
}

bool AddressFrame::same_banks(const BoundStorage& bs, std::size_t storage) const {
  for (const Stream& x : streams_)
    if (x.storage == static_cast<int64_t>(storage) && (x.c * period_) % bs.banks != 0) return false;
  return true;
}

bool AddressFrame::settled(std::size_t storage, const LocationMap& rows, int64_t fl) {
  if (!merge_bands(static_cast<int64_t>(storage), &bands_)) return false;
  bool ok = true;
  for (const auto& x : rows)
    if (x.l.write_ready > fl) pieces(bands_, x, [&](int64_t, int64_t, const Band* b) { ok &= !b; });
  return ok;
}

bool AddressFrame::relative_key(const BoundStorage& bs, std::size_t storage, int64_t i, std::vector<LocationRange>* live) {
  const auto st = static_cast<int64_t>(storage);
  if (!same_banks(bs, storage)) return false;
  if (!merge_bands(st, &bands_)) return false;
  moving_.clear();
  kept_.clear();
  bool strides = false;  // more than one nonzero stride among the moving locations
  for (const auto& x : *live)
    pieces(bands_, x, [&](int64_t lo, int64_t n, const Band* b) {
      if (!b) return;
      if (b->c == 0) {
        kept_.push_back(LocationRange{lo, n, x.l});
        return;
      }
      strides |= !moving_.empty() && moving_.back().c != b->c;
      moving_.push_back(MovingRange{b->c, lo - b->c * i, n, x.l});
    });
  live->swap(kept_);
  // Offsets of one stride are already sorted (addresses are): grouped by stride, few, in order.
  if (strides) {
    strides_.clear();
    for (const MovingRange& m : moving_)
      if (std::find(strides_.begin(), strides_.end(), m.c) == strides_.end()) strides_.push_back(m.c);
    std::sort(strides_.begin(), strides_.end());
    grouped_.clear();
    for (int64_t c : strides_)
      for (const MovingRange& m : moving_)
        if (m.c == c) grouped_.push_back(m);
    moving_.swap(grouped_);
  }
  return true;
}

void AddressFrame::append_streams(std::vector<int64_t>* key) const {
  for (const Stream& x : streams_) key->insert(key->end(), {x.storage, x.c, x.lo, x.hi});
}

bool AddressFrame::can_move(const BoundArch& a, const State& s, int64_t k, uint64_t keep) const {
  std::vector<Band> bands;
  for (std::size_t st = 0; st < s.open.size(); ++st) {
    if (a.storages[st].locations != 0 || has_bit(keep, st)) continue;
    if (!merge_bands(static_cast<int64_t>(st), &bands)) return false;
    bool ok = true;
    for (const auto& x : s.open[st]) {
      pieces(bands, x, [&](int64_t lo, int64_t n, const Band* b) {
        if (!ok || !b || b->c == 0) return;
        // Every location moved lands in an interval of the same stride: lo .. hi covered by such
        // intervals side by side.
        int64_t from = lo + k * b->c;
        const int64_t to = from + n - 1;
        const Band* y = band_of(bands, from);
        while (ok && y && y->c == b->c && y->hi < to) {
          from = y->hi + 1;
          const Band* next = y + 1 != bands.data() + bands.size() ? y + 1 : nullptr;
          y = next && next->lo == from ? next : nullptr;
        }
        ok = y && y->c == b->c;
      });
      if (!ok) return false;
    }
  }
  return true;
}

void AddressFrame::move(const BoundArch& a, State* s, int64_t k, int64_t by, uint64_t keep) const {
  std::vector<Band> bands;
  std::vector<LocationRange> moved;
  for (std::size_t st = 0; st < s->open.size(); ++st) {
    if (a.storages[st].locations != 0 || has_bit(keep, st)) continue;
    auto& open = s->open[st];
    merge_bands(static_cast<int64_t>(st), &bands);  // can_move() checked they do not overlap
    moved.clear();
    for (const auto& x : open)
      pieces(bands, x, [&](int64_t lo, int64_t n, const Band* b) {
        Location l = x.l;
        if (!b) l.write_ready -= by, l.write_end -= by, l.read_end -= by;
        moved.push_back(LocationRange{lo + k * (b ? b->c : 0), n, l});
      });
    open.assign(&moved);
  }
}

}  // namespace acv
