import { cliOptions } from './args'
import { grammar, optionValues, type Positional } from './completion-grammar'

/** Options whose value is the next word (so it is not counted as a positional): the parser's. */
const valueOptions = Object.entries(cliOptions)
  .filter(([, option]) => option.type === 'string')
  .map(([name]) => `--${name}`)

/** `vireo completion bash|zsh`: prints the script; VM names come from `vireo list --names`. */
export function runCompletion(rest: string[]): number {
  const shell = rest[0]
  if (shell === 'bash') console.log(bashScript())
  else if (shell === 'zsh') console.log(zshScript())
  else
    throw new Error(
      'Which shell? vireo completion bash (or zsh): e.g. eval "$(vireo completion bash)" in ~/.bashrc.',
    )
  return 0
}

/** `case` arms, one per positional place: `cmd:N) action;;`, N counting from 0 after the command. */
function positionalArms(action: (p: Positional) => string): string[] {
  const arms = new Map<string, string[]>()
  for (const [command, g] of Object.entries(grammar)) {
    g.positionals.forEach((p, i) => {
      const body = action(p)
      arms.set(body, [...(arms.get(body) ?? []), `${command}:${i}`])
    })
  }
  return [...arms].map(([body, labels]) => `    ${labels.join('|')}) ${body} ;;`)
}

function optionArms(action: (options: readonly string[]) => string): string[] {
  return Object.entries(grammar)
    .filter(([, g]) => g.options.length > 0)
    .map(([command, g]) => `    ${command}) ${action(g.options)} ;;`)
}

function valueArms(fixed: (words: readonly string[]) => string, file: string): string[] {
  const arms = Object.entries(optionValues).map(
    ([option, words]) => `    ${option}) ${words.length === 0 ? file : fixed(words)}; return ;;`,
  )
  const free = valueOptions.filter((o) => !(o in optionValues))
  return [...arms, `    ${free.join('|')}) return ;;`]
}

const commands = Object.keys(grammar).join(' ')

export function bashScript(): string {
  const words = (w: readonly string[]) => `COMPREPLY=($(compgen -W '${w.join(' ')}' -- "$cur"))`
  const files = 'mapfile -t COMPREPLY < <(compgen -f -- "$cur")'
  return `# bash completion for vireo. Load it with: eval "$(vireo completion bash)" (e.g. in ~/.bashrc),
# or save it as ~/.local/share/bash-completion/completions/vireo.
_vireo_vms() {
  # VM names as "vireo list --names" prints them, quoted for the shell; never evaluated.
  local name
  while IFS= read -r name; do
    [[ -n $name && $name == "$cur"* ]] && COMPREPLY+=("$(printf '%q' "$name")")
  done < <("\${COMP_WORDS[0]}" list --names 2>/dev/null)
}
_vireo() {
  local cur=\${COMP_WORDS[COMP_CWORD]} prev=\${COMP_WORDS[COMP_CWORD-1]} cmd=\${COMP_WORDS[1]-}
  COMPREPLY=()
  if (( COMP_CWORD == 1 )); then
    ${words(Object.keys(grammar))}
    return
  fi
  case $prev in
${valueArms(words, files).join('\n')}
  esac
  if [[ $cur == -* ]]; then
    case $cmd in
${optionArms(words).join('\n')}
    esac
    return
  fi
  local i n=0
  for (( i = 2; i < COMP_CWORD; i++ )); do
    case \${COMP_WORDS[i]} in
      ${valueOptions.join('|')}) (( i++ )) ;;
      -*) ;;
      *) (( ++n )) ;;
    esac
  done
  case $cmd:$n in
${positionalArms((p) => (p === 'vm' ? '_vireo_vms' : p === 'file' ? files : words(p))).join('\n')}
  esac
}
complete -F _vireo vireo`
}

export function zshScript(): string {
  const words = (w: readonly string[]) => `compadd -- ${w.join(' ')}`
  return `#compdef vireo
# zsh completion for vireo. Load it with: source <(vireo completion zsh) in ~/.zshrc, after
# compinit; or save it as _vireo in a folder of your $fpath.
_vireo_vms() {
  # VM names as "vireo list --names" prints them; compadd quotes them, nothing evaluates them.
  local -a vms
  vms=("\${(@f)$("\${words[1]}" list --names 2>/dev/null)}")
  vms=(\${vms:#})
  (( \${#vms} )) && compadd -a vms
}
_vireo() {
  local cmd=\${words[2]} cur=\${words[CURRENT]} prev=\${words[CURRENT-1]}
  if (( CURRENT == 2 )); then
    ${words(Object.keys(grammar))}
    return
  fi
  case $prev in
${valueArms(words, '_files').join('\n')}
  esac
  if [[ $cur == -* ]]; then
    case $cmd in
${optionArms(words).join('\n')}
    esac
    return
  fi
  local i n=0
  for (( i = 3; i < CURRENT; i++ )); do
    case \${words[i]} in
      ${valueOptions.join('|')}) (( i++ )) ;;
      -*) ;;
      *) (( ++n )) ;;
    esac
  done
  case $cmd:$n in
${positionalArms((p) => (p === 'vm' ? '_vireo_vms' : p === 'file' ? '_files' : words(p))).join('\n')}
  esac
}
if [[ \${zsh_eval_context[-1]} == loadautofunc ]]; then
  _vireo "$@"
else
  compdef _vireo vireo
fi`
}

export { commands as completedCommands }
