import ArgumentParser
import ProjectCore

enum CompletionScripts {
  static let shells = ["bash", "zsh", "fish"]

  /// Each script runs the binary the user typed (the command line's first word, as cobra-style
  /// completions do), not whatever `project` is first on PATH, and asks it for the candidates.
  static func script(for shell: String) -> String {
    switch shell {
    case "zsh":
      return """
        #compdef project
        # zsh completion for project: candidates come from the binary typed and the current manifest.
        _project() {
          local -a candidates
          # The binary the user typed: a full or relative path, or 'project' from PATH.
          local program=${(Q)words[1]}
          [[ $program == "~/"* ]] && program=$HOME/${program#\\~/}
          candidates=("${(@f)$("$program" __complete "${(@)words[2,CURRENT]}" 2>/dev/null)}")
          case ${candidates[1]-} in
            :files) _files; return;;
            :directories) _files -/; return;;
          esac
          # Nothing to offer is nothing: no file names for a number or a free text value.
          (( ${#candidates[@]} )) && [[ -n ${candidates[1]} ]] && compadd -a candidates
        }
        # Autoloaded from fpath, this file is the body of _project: complete now. Sourced, register.
        if [[ "${funcstack[1]}" == "_project" ]]; then
          _project "$@"
        else
          compdef _project project
        fi

        """
    case "fish":
      return """
        # fish completion for project: candidates come from the binary typed and the current manifest.
        function __project_complete
            set -l tokens (commandline -opc)
            set -l current (commandline -ct)
            # The binary the user typed: a full or relative path, or 'project' from PATH.
            set -l program (string replace -r '^~/' "$HOME/" -- $tokens[1])
            set -l candidates ($program __complete $tokens[2..-1] $current 2>/dev/null)
            switch "$candidates[1]"
                case :files
                    __fish_complete_path $current
                case :directories
                    __fish_complete_directories $current
                case '*'
                    printf '%s\\n' $candidates
            end
        end
        # -f: no file names unless the binary answers :files.
        complete -c project -f -a '(__project_complete)'

        """
    default:
      return """
        # bash completion for project: candidates come from the binary typed and the current manifest.
        _project() {
          local IFS=$'\\n'
          # The words as typed, split at blanks only: bash also splits at '=' and ':', which
          # candidates such as status=active hold. It then replaces only the part after the
          # last of those, so that part is what each candidate keeps.
          local -a words=("${COMP_WORDS[@]:0:COMP_CWORD+1}")
          if [[ -n "$COMP_LINE" ]]; then
            local line="${COMP_LINE:0:COMP_POINT}"
            IFS=$' \\t' read -ra words <<<"$line"
            [[ "$line" =~ [[:space:]]$ ]] && words+=("")
          fi
          local typed="${words[${#words[@]}-1]}" cur="${COMP_WORDS[COMP_CWORD]}"
          # Right after a '=' or ':', bash replaces only what follows it: nothing yet.
          [[ "$cur" == "=" || "$cur" == ":" ]] && cur=""
          local keep=""
          (( ${#typed} >= ${#cur} )) && keep="${typed:0:${#typed}-${#cur}}"
          # The binary the user typed: a full or relative path, or 'project' from PATH.
          local program="${COMP_WORDS[0]}"
          [[ "$program" == "~/"* ]] && program="$HOME/${program:2}"
          local -a reply=($("$program" __complete "${words[@]:1}" 2>/dev/null))
          case "${reply[0]-}" in
            :files) compopt -o filenames 2>/dev/null; COMPREPLY=($(compgen -f -- "$cur")); return;;
            :directories) compopt -o filenames 2>/dev/null; COMPREPLY=($(compgen -d -- "$cur")); return;;
          esac
          # Nothing to offer is nothing: no file names for a number or a free text value.
          COMPREPLY=("${reply[@]#"$keep"}")
        }
        complete -F _project project

        """
    }
  }
}
