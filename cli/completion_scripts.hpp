// The scripts of completions/, built into the binary.
#pragma once

namespace mana::cli {

const char* bash_completion();
const char* zsh_completion();
const char* fish_completion();

} // namespace mana::cli
