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

void AddressFrame::observe(int storage, const Expr* e, bool owned, int64_t index, int64_t count, const int64_t* idx) {
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

bool AddressFrame::relative_key(const BoundStorage& bs, std::size_t storage, int64_t i,
                                std::vector<std::pair<int64_t, Location>>* live) {
  const auto st = static_cast<int64_t>(storage);
  for (const Stream& x : streams_)
    if (x.storage == st && (x.c * period_) % bs.banks != 0) return false;
  if (!merge_bands(st, &bands_)) return false;
  moving_.clear();
  std::size_t kept = 0, b = 0;
  bool strides = false;  // more than one nonzero stride among the moving locations
  for (const auto& l : *live) {
    // Both sorted by address: one sweep.
    while (b < bands_.size() && bands_[b].hi < l.first) ++b;
    if (b == bands_.size()) break;
    if (l.first < bands_[b].lo) continue;
    const int64_t c = bands_[b].c;
    if (c != 0) {
      strides |= !moving_.empty() && moving_.back().c != c;
      moving_.push_back(MovingLocation{c, l.first - c * i, l.second});
    } else {
      (*live)[kept++] = l;
    }
  }
  live->resize(kept);
  // Offsets of one stride are already sorted (addresses are): grouped by stride, few, in order.
  if (strides) {
    strides_.clear();
    for (const MovingLocation& m : moving_)
      if (std::find(strides_.begin(), strides_.end(), m.c) == strides_.end()) strides_.push_back(m.c);
    std::sort(strides_.begin(), strides_.end());
    grouped_.clear();
    for (int64_t c : strides_)
      for (const MovingLocation& m : moving_)
        if (m.c == c) grouped_.push_back(m);
    moving_.swap(grouped_);
  }
  return true;
}

void AddressFrame::append_streams(std::vector<int64_t>* key) const {
  for (const Stream& x : streams_) key->insert(key->end(), {x.storage, x.c, x.lo, x.hi});
}

bool AddressFrame::can_move(const BoundArch& a, const State& s, int64_t k) const {
  std::vector<Band> bands;
  for (std::size_t st = 0; st < s.open.size(); ++st) {
    if (a.storages[st].locations != 0) continue;
    if (!merge_bands(static_cast<int64_t>(st), &bands)) return false;
    for (const auto& kv : s.open[st]) {
      const Band* x = band_of(bands, kv.first);
      if (!x || x->c == 0) continue;
      const Band* y = band_of(bands, kv.first + k * x->c);
      if (!y || y->c != x->c) return false;
    }
  }
  return true;
}

void AddressFrame::move(const BoundArch& a, State* s, int64_t k, int64_t by) const {
  std::vector<Band> bands;
  for (std::size_t st = 0; st < s->open.size(); ++st) {
    if (a.storages[st].locations != 0) continue;
    auto& open = s->open[st];
    merge_bands(static_cast<int64_t>(st), &bands);  // can_move() checked they do not overlap
    LocationMap moved;
    moved.reserve(open.size());
    for (const auto& kv : open) {
      const Band* x = band_of(bands, kv.first);
      Location l = kv.second;
      if (!x) l.write_ready -= by, l.write_end -= by, l.read_end -= by;
      moved.emplace(kv.first + k * (x ? x->c : 0), l);
    }
    open.swap(moved);
  }
}

}  // namespace acv
