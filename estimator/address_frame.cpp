// Address-relative keys of strided loop segments (see address_frame.h).
#include "estimator/address_frame.h"

#include <algorithm>
#include <limits>

namespace acv {

void AddressFrame::observe(int storage, const Expr* e, bool owned, int64_t index, int64_t count, const int64_t* idx) {
  if (count <= 0 || !e) return;
  Stream* x = nullptr;
  for (Stream& y : streams_)
    if (y.e == e && y.owned == owned && y.storage == storage) x = &y;
  if (!x) {
    const int64_t c = owned && shifts_without_wrap(*e, depth_, trips_, idx) ? stride_of(*e, depth_) : 0;
    streams_.push_back(Stream{e, owned, storage, c, std::numeric_limits<int64_t>::max(),
                              std::numeric_limits<int64_t>::min()});
    x = &streams_.back();
  }
  const int64_t off = index - x->c * idx[depth_];
  x->lo = std::min(x->lo, off);
  x->hi = std::max(x->hi, off + count - 1);
}

bool AddressFrame::band_stride(int64_t storage, int64_t address, int64_t* c, bool* in_band) const {
  bool found = false;
  for (const Stream& x : streams_) {
    if (x.storage != storage || address < band_lo(x) || address > band_hi(x)) continue;
    if (found && x.c != *c) return false;
    *c = x.c;
    found = true;
  }
  if (!found) *c = 0;
  *in_band = found;
  return true;
}

bool AddressFrame::relative_key(const BoundStorage& bs, std::size_t storage, int64_t i,
                                std::vector<std::pair<int64_t, Location>>* live) {
  const auto st = static_cast<int64_t>(storage);
  for (const Stream& x : streams_) {
    if (x.storage != st) continue;
    if ((x.c * period_) % bs.banks != 0) return false;
    for (const Stream& y : streams_)
      if (y.storage == st && y.c != x.c && !(band_hi(x) < band_lo(y) || band_hi(y) < band_lo(x))) return false;
  }
  moving_.clear();
  std::size_t kept = 0;
  for (auto& l : *live) {
    int64_t c = 0;
    bool in_band = false;
    if (!band_stride(st, l.first, &c, &in_band)) return false;
    if (!in_band) continue;
    if (c != 0) moving_.push_back(MovingLocation{c, l.first - c * i, l.second});
    else (*live)[kept++] = l;
  }
  live->resize(kept);
  std::sort(moving_.begin(), moving_.end(), [](const MovingLocation& x, const MovingLocation& y) {
    return x.c != y.c ? x.c < y.c : x.offset < y.offset;
  });
  return true;
}

void AddressFrame::append_streams(std::vector<int64_t>* key) const {
  for (const Stream& x : streams_) key->insert(key->end(), {x.storage, x.c, x.lo, x.hi});
}

bool AddressFrame::can_move(const BoundArch& a, const State& s, int64_t k) const {
  for (std::size_t st = 0; st < s.open.size(); ++st) {
    if (a.storages[st].locations != 0) continue;
    for (const auto& kv : s.open[st]) {
      int64_t c = 0, c2 = 0;
      bool in_band = false, still = false;
      if (!band_stride(static_cast<int64_t>(st), kv.first, &c, &in_band)) return false;
      if (c != 0 && (!band_stride(static_cast<int64_t>(st), kv.first + k * c, &c2, &still) || !still || c2 != c))
        return false;
    }
  }
  return true;
}

void AddressFrame::move(const BoundArch& a, State* s, int64_t k, int64_t by) const {
  for (std::size_t st = 0; st < s->open.size(); ++st) {
    if (a.storages[st].locations != 0) continue;
    auto& open = s->open[st];
    std::unordered_map<int64_t, Location> moved;
    moved.reserve(open.size());
    for (const auto& kv : open) {
      int64_t c = 0;
      bool in_band = false;
      band_stride(static_cast<int64_t>(st), kv.first, &c, &in_band);
      Location l = kv.second;
      if (!in_band) l.write_ready -= by, l.write_end -= by, l.read_end -= by;
      moved.emplace(kv.first + k * c, l);
    }
    open.swap(moved);
  }
}

}  // namespace acv
