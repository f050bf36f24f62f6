#!/usr/bin/env zsh
# Prints the candidates zsh's own completion system offers for a command
# line, by typing it into an interactive zsh (zpty) and pressing Tab:
#   zsh zsh_complete.zsh COMPLETIONS_DIR 'mana-auth reconcile --al'
# Every candidate compadd receives is printed as "MATCH:<word>".
#
# Nothing here waits a fixed time: the interactive zsh writes the candidates
# and two sentinel files itself, one from zle-line-init once compinit has run
# and zle owns the terminal, and one from a widget bound to a key typed after
# the Tab (zle handles keys in order, so it runs only once completion has
# finished). We poll for each with a deadline and drain the pty meanwhile, so
# the child never blocks on a full terminal.
#
# Typing before zle has the terminal loses keys: in the line discipline's
# cooked mode ^D is end-of-file and is swallowed (that hung this test under
# load). So the line is typed only once zle-line-init has run, and the
# widget's key avoids every character cooked mode treats specially.
zmodload zsh/zpty zsh/zselect zsh/datetime || { print -u2 'zsh/zpty, zsh/zselect or zsh/datetime is missing'; exit 2 }

local work=$(mktemp -d) || exit 2
trap 'zpty -d z 2>/dev/null; rm -rf -- ${(q)work}' EXIT
local ready=$work/ready done=$work/done matches=$work/matches
integer limit=${ZSH_COMPLETE_DEADLINE:-30}

# Waits until FILE exists, reading the pty meanwhile; fails after $limit s.
await() {
  local line
  local -F deadline=$(( EPOCHREALTIME + limit ))
  until [[ -e $1 ]]; do
    if (( EPOCHREALTIME > deadline )); then
      print -u2 "zsh completion test: no $2 within $limit s"
      exit 2
    fi
    while zpty -r -t z line; do :; done
    zselect -t 2 2>/dev/null # 20 ms between polls
  done
}

zpty z zsh -f -i
zpty -w z "PROMPT= ; fpath=(${(q)1} \$fpath); autoload -Uz compinit; compinit -u -D"
zpty -w z "compadd() {
  if (( \${@[(I)-[OAD]]} )); then builtin compadd \"\$@\"; return; fi
  local -a hits; builtin compadd -O hits \"\$@\"; print -rl -- MATCH:\${^hits} >> ${(q)matches}
}"
zpty -w z "completion-done() { : >> ${(q)done} }; zle -N completion-done; bindkey '^X^Y' completion-done"
zpty -w z "zle-line-init() { : >> ${(q)ready} }; zle -N zle-line-init"
await $ready 'line editor after compinit'

# Tab, then the widget's key: its file appears once completion is over.
zpty -w -n z "$2"$'\t\x18\x19'
await $done 'end of completion'
[[ -e $matches ]] && sort -u -- $matches
