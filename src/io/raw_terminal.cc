#include "io/raw_terminal.h"

#include <termios.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <utility>

namespace vsb::io {
namespace {

// A slot moves kFree -> kFilling -> kActive -> kRestoring -> kFree. Whoever
// wins the kActive -> kRestoring exchange (destructor, signal handler or
// atexit hook) is the only one to touch the saved termios, so a signal that
// lands in the middle of a restore cannot restore twice or read a half-
// written slot. The word also carries a generation, bumped on every Enter: a
// RawTerminal whose terminal was already restored by the signal path cannot
// restore a later terminal that reused its slot. Lock-free, hence
// signal-safe.
enum SlotState : unsigned { kFree, kFilling, kActive, kRestoring };
constexpr unsigned kStateBits = 2;
constexpr unsigned kStateMask = (1u << kStateBits) - 1;

struct Slot {
  std::atomic<unsigned> word{kFree};
  int fd = -1;
  pid_t owner = 0;  // the process that entered raw mode
  termios saved{};
};

constexpr int kSlots = 8;
Slot g_slots[kSlots];
std::atomic<bool> g_atexit_registered{false};
static_assert(std::atomic<unsigned>::is_always_lock_free);

unsigned Generation(unsigned word) { return word >> kStateBits; }
unsigned Word(unsigned generation, SlotState state) { return (generation << kStateBits) | state; }

// Restores `slot` if it is active (and, unless `any_generation`, still holds
// generation `generation`). Returns 0 when restored or nothing was to do,
// else the errno of tcsetattr.
int RestoreSlot(Slot& slot, int when, bool any_generation, unsigned generation) noexcept {
  unsigned word = slot.word.load();
  if ((word & kStateMask) != kActive) return 0;
  if (!any_generation && Generation(word) != generation) return 0;
  // A forked child (janitor, helper) inherits the table and the atexit hook;
  // its exit must not take the terminal out of raw mode under the launcher.
  if (slot.owner != getpid()) return 0;
  if (!slot.word.compare_exchange_strong(word, Word(Generation(word), kRestoring))) return 0;
  int saved_errno = errno;
  int rc;
  do {
    rc = tcsetattr(slot.fd, when, &slot.saved);
  } while (rc != 0 && errno == EINTR);
  int err = rc == 0 ? 0 : errno;
  errno = saved_errno;
  slot.fd = -1;
  slot.word.store(Word(Generation(word), kFree));
  return err;
}

void RestoreAllAtExit() {
  for (Slot& slot : g_slots) RestoreSlot(slot, TCSADRAIN, true, 0);
}

}  // namespace

void RestoreAllRawTerminals() noexcept {
  for (Slot& slot : g_slots) RestoreSlot(slot, TCSANOW, true, 0);
}

Result<RawTerminal> RawTerminal::Enter(int fd) {
  termios saved{};
  if (tcgetattr(fd, &saved) != 0) return FailErrno(errno, "read terminal settings");
  if (!g_atexit_registered.exchange(true)) {
    std::atexit(RestoreAllAtExit);
    std::at_quick_exit(RestoreAllAtExit);
  }
  int index = -1;
  unsigned generation = 0;
  for (int i = 0; i < kSlots && index < 0; ++i) {
    unsigned word = g_slots[i].word.load();
    if ((word & kStateMask) != kFree) continue;
    generation = Generation(word) + 1;
    if (g_slots[i].word.compare_exchange_strong(word, Word(generation, kFilling))) index = i;
  }
  if (index < 0) return Fail(Error(ErrorCode::kInternal, "raw terminal: too many terminals"));
  Slot& slot = g_slots[index];
  slot.fd = fd;
  slot.owner = getpid();
  slot.saved = saved;
  slot.word.store(Word(generation, kActive));  // from here on every exit path restores it

  termios raw = saved;
  cfmakeraw(&raw);  // clears ICANON, ECHO, ISIG, IEXTEN, OPOST, IXON, ICRNL...
  raw.c_cc[VMIN] = 1;
  raw.c_cc[VTIME] = 0;
  int rc;
  do {
    rc = tcsetattr(fd, TCSADRAIN, &raw);
  } while (rc != 0 && errno == EINTR);
  if (rc != 0) {
    int err = errno;
    RestoreSlot(slot, TCSANOW, false, generation);
    return FailErrno(err, "put terminal in raw mode");
  }
  return RawTerminal(index, generation);
}

RawTerminal::RawTerminal(RawTerminal&& other) noexcept
    : slot_(std::exchange(other.slot_, -1)), generation_(other.generation_) {}

RawTerminal& RawTerminal::operator=(RawTerminal&& other) noexcept {
  if (this != &other) {
    (void)Restore();
    slot_ = std::exchange(other.slot_, -1);
    generation_ = other.generation_;
  }
  return *this;
}

RawTerminal::~RawTerminal() { (void)Restore(); }

Status RawTerminal::Restore() {
  int slot = std::exchange(slot_, -1);
  if (slot < 0) return {};
  if (int err = RestoreSlot(g_slots[slot], TCSADRAIN, false, generation_); err != 0)
    return FailErrno(err, "restore terminal settings");
  return {};
}

}  // namespace vsb::io
