#!/usr/bin/env zsh
# Prints the candidates zsh's own completion system offers for a command
# line, by typing it into an interactive zsh (zpty) and pressing Tab:
#   zsh zsh_complete.zsh COMPLETIONS_DIR 'mana-auth reconcile --al'
# Every candidate compadd receives is printed as "MATCH:<word>".
zmodload zsh/zpty || { print -u2 'zsh/zpty is missing'; exit 2 }
zpty z zsh -f -i
zpty -w z "PROMPT= ; fpath=(${(q)1} \$fpath); autoload -Uz compinit; compinit -u -D"
zpty -w z 'compadd() {
  if (( ${@[(I)-[OAD]]} )); then builtin compadd "$@"; return; fi
  local -a hits; builtin compadd -O hits "$@"; print -rl -- MA${:-}TCH:${^hits}
}'
zpty -w z "$2"$'\t'
local out line
while zpty -r -t z line; do out+=$line; done
sleep 1
while zpty -r -t z line; do out+=$line; done
zpty -d z
print -r -- "$out" | tr -d '\r' | grep -a -o 'MATCH:[^[:space:]]*' | sort -u
