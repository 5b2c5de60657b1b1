import { CodeEditor, IEditorServices } from '@jupyterlab/codeeditor';
import React, { useEffect, useRef } from 'react';

/** A handle on the script text, whichever editor shows it. */
export interface IScriptHandle {
  get(): string;
  set(text: string): void;
}

/**
 * The batch script, in JupyterLab's CodeMirror editor with shell
 * highlighting (a plain text area if no editor service is available).
 */
export function ScriptEditor(props: {
  editorServices: IEditorServices | null;
  initial: string;
  handle: React.MutableRefObject<IScriptHandle | null>;
  label: string;
  /** Called with the text after every change (typed or set). */
  onChange?: (text: string) => void;
}): JSX.Element {
  const { editorServices, handle, initial } = props;
  const host = useRef<HTMLDivElement>(null);
  const area = useRef<HTMLTextAreaElement>(null);
  // the latest callback, without making a new editor when it changes
  const onChange = useRef(props.onChange);
  onChange.current = props.onChange;
  const labelRef = useRef(props.label);
  labelRef.current = props.label;

  useEffect(() => {
    if (!editorServices || !host.current) {
      handle.current = {
        get: () => area.current?.value ?? '',
        set: text => {
          if (area.current) {
            area.current.value = text;
            onChange.current?.(text);
          }
        }
      };
      return;
    }
    const model = new CodeEditor.Model({
      mimeType: editorServices.mimeTypeService.getMimeTypeByFilePath('job.sh')
    });
    model.sharedModel.setSource(initial);
    model.sharedModel.changed.connect(() =>
      onChange.current?.(model.sharedModel.getSource())
    );
    const editor = editorServices.factoryService.newInlineEditor({
      host: host.current,
      model,
      config: { lineNumbers: true }
    });
    // The text box screen readers announce is CodeMirror's content element.
    host.current
      .querySelector('.cm-content')
      ?.setAttribute('aria-label', labelRef.current);
    handle.current = {
      get: () => model.sharedModel.getSource(),
      set: text => model.sharedModel.setSource(text)
    };
    return () => {
      handle.current = null;
      editor.dispose();
      model.dispose();
    };
  }, [editorServices, handle, initial]);

  if (!editorServices) {
    return (
      <textarea
        ref={area}
        className="jp-hpc-Slurm-script jp-mod-styled"
        aria-label={props.label}
        defaultValue={props.initial}
        onInput={event => onChange.current?.(event.currentTarget.value)}
        rows={14}
        spellCheck={false}
      />
    );
  }
  return (
    <div ref={host} className="jp-hpc-Slurm-script" aria-label={props.label} />
  );
}
