# bash completion for mana-auth                          -*- shell-script -*-
# Installed to share/bash-completion/completions/mana-auth; also printed by
# `mana-auth completions bash`.

_mana_auth() {
    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
    local connection="--auth-db --sync-db --catalog --config"
    local output="--json -q --quiet --log-level --log-format --help --help-all"
    # Options that take a value: the word after one is not a command.
    local valued=" --auth-db --sync-db --catalog --config --log-level --log-format --name --tier --role --kind --if-exists --password-file --from --rejects --format --jobs --email --email-domain --out --seed --slug --owner --shard --since --until --min-age --max-writes --max-rate --max-lag --batch-size --list --metrics-file --dir "

    case $prev in
        --tier) COMPREPLY=($(compgen -W "guest public beta alpha founder" -- "$cur")); return ;;
        --role) COMPREPLY=($(compgen -W "user admin service" -- "$cur")); return ;;
        --kind) COMPREPLY=($(compgen -W "human persona system" -- "$cur")); return ;;
        --if-exists) COMPREPLY=($(compgen -W "error skip update" -- "$cur")); return ;;
        --log-level) COMPREPLY=($(compgen -W "trace debug info warn error off" -- "$cur")); return ;;
        --log-format) COMPREPLY=($(compgen -W "text json" -- "$cur")); return ;;
        --format) COMPREPLY=($(compgen -W "jsonl csv" -- "$cur")); return ;;
        --from | --rejects | --out | --seed | --password-file | --metrics-file | --catalog | --config) COMPREPLY=($(compgen -f -- "$cur")); return ;;
        --dir) COMPREPLY=($(compgen -d -- "$cur")); return ;;
        --auth-db | --sync-db | --name | --jobs | --email | --email-domain | --slug | --owner | --shard | --since | --until | --min-age | --max-writes | --max-rate | --max-lag | --batch-size | --list) return ;;
    esac

    # The command path so far: up to two words that are neither options nor their values.
    local path="" i word
    for ((i = 1; i < COMP_CWORD; i++)); do
        word=${COMP_WORDS[i]}
        if [[ $word == -* ]]; then
            [[ $valued == *" $word "* ]] && ((i++))
            continue
        fi
        path="${path:+$path }$word"
    done

    local commands="" options=""
    case $path in
        "") commands="register verify-password export bootstrap reconcile doctor catalog dev completions"
            options="$connection $output --version" ;;
        register) options="$connection $output --name --tier --role --kind --verified --if-exists --no-bootstrap --require-sync --password-stdin --password-file --from --rejects --dry-run --format --jobs" ;;
        verify-password) options="$connection $output --password-stdin --password-file" ;;
        export) options="$connection $output --tier --role --kind --email-domain --with-password-hashes --out --format" ;;
        bootstrap) commands="user space"; options="--help --help-all" ;;
        "bootstrap user"*) options="$connection $output --email --dry-run" ;;
        "bootstrap space"*) options="$connection $output --slug --owner --dry-run" ;;
        reconcile) options="$connection $output --all --dry-run --check --users-only --spaces-only --shard --since --until --min-age --max-writes --max-rate --max-lag --batch-size --wait --pooled-session-ok --list --metrics-file" ;;
        doctor) options="$connection $output" ;;
        catalog) commands="check"; options="--catalog --config $output" ;;
        "catalog check"*)
            options="$output"
            [[ $cur != -* ]] && { COMPREPLY=($(compgen -f -- "$cur")); return; } ;;
        dev) commands="up reset down status env"; options="--help --help-all" ;;
        "dev up" | "dev reset") options="--dir --seed $output" ;;
        "dev "*) options="--dir $output" ;;
        completions) commands="bash zsh fish"; options="--help --help-all" ;;
    esac
    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$options" -- "$cur"))
    else
        COMPREPLY=($(compgen -W "$commands" -- "$cur"))
    fi
}
complete -F _mana_auth mana-auth
