// Form fields built from NL Design System (Utrecht) parts, with the label, description and error
// message wired to the input (aria-describedby, aria-invalid).
import {
  Checkbox,
  FieldsetLegend,
  FormField,
  FormFieldDescription,
  FormFieldErrorMessage,
  FormLabel,
  RadioButton,
  Textarea,
  Textbox,
} from "./nlds";
import { forwardRef } from "react";
import type { InputHTMLAttributes, ReactNode, TextareaHTMLAttributes } from "react";

function describedBy(id: string, description?: ReactNode, error?: ReactNode): string | undefined {
  const ids = [description ? `${id}-uitleg` : null, error ? `${id}-fout` : null].filter(Boolean);
  return ids.length ? ids.join(" ") : undefined;
}

type Common = {
  id: string;
  label: ReactNode;
  description?: ReactNode;
  error?: ReactNode;
};

/** Label, description and error above a text-like control, wired to it. */
function TextFrame({
  id,
  label,
  description,
  error,
  children,
}: Common & { children: ReactNode }) {
  return (
    <FormField invalid={Boolean(error)} type="text">
      <div className="utrecht-form-field__label">
        <FormLabel htmlFor={id}>{label}</FormLabel>
      </div>
      {description && (
        <FormFieldDescription id={`${id}-uitleg`}>{description}</FormFieldDescription>
      )}
      {error && <FormFieldErrorMessage id={`${id}-fout`}>{error}</FormFieldErrorMessage>}
      <div className="utrecht-form-field__input">{children}</div>
    </FormField>
  );
}

/** What every control gets from its frame: id, invalid state, described-by. */
function wired({ id, description, error }: Common) {
  return {
    id,
    invalid: Boolean(error),
    "aria-invalid": error ? true : undefined,
    "aria-describedby": describedBy(id, description, error),
  } as const;
}

export const TextField = forwardRef<
  HTMLInputElement,
  Common & Omit<InputHTMLAttributes<HTMLInputElement>, "id">
>(function TextField({ id, label, description, error, type = "text", ...input }, ref) {
  const common = { id, label, description, error };
  return (
    <TextFrame {...common}>
      <Textbox ref={ref} type={type} {...wired(common)} {...input} />
    </TextFrame>
  );
});

export const TextAreaField = forwardRef<
  HTMLTextAreaElement,
  Common & Omit<TextareaHTMLAttributes<HTMLTextAreaElement>, "id">
>(function TextAreaField({ id, label, description, error, ...input }, ref) {
  const common = { id, label, description, error };
  return (
    <TextFrame {...common}>
      <Textarea ref={ref} {...wired(common)} {...input} />
    </TextFrame>
  );
});

export const CheckboxField = forwardRef<
  HTMLInputElement,
  Common & Omit<InputHTMLAttributes<HTMLInputElement>, "id" | "type">
>(function CheckboxField({ id, label, description, error, ...input }, ref) {
  return (
    <FormField invalid={Boolean(error)} type="checkbox">
      {error && <FormFieldErrorMessage id={`${id}-fout`}>{error}</FormFieldErrorMessage>}
      <div className="utrecht-form-field__input">
        <Checkbox
          ref={ref}
          id={id}
          appearance="custom"
          invalid={Boolean(error)}
          aria-invalid={error ? true : undefined}
          aria-describedby={describedBy(id, description, error)}
          {...input}
        />
      </div>
      <div className="utrecht-form-field__label">
        <FormLabel htmlFor={id} type="checkbox">
          {label}
        </FormLabel>
      </div>
      {description && (
        <FormFieldDescription id={`${id}-uitleg`}>{description}</FormFieldDescription>
      )}
    </FormField>
  );
});

export type RadioOption<V extends string> = { value: V; label: ReactNode; description?: ReactNode };

/** A group of radio buttons in a fieldset with a legend. */
export function RadioGroup<V extends string>({
  id,
  legend,
  description,
  error,
  name,
  value,
  options,
  onChange,
  disabled,
  inline,
}: {
  id: string;
  legend: ReactNode;
  description?: ReactNode;
  error?: ReactNode;
  name: string;
  value: V | null;
  options: RadioOption<V>[];
  onChange: (v: V) => void;
  disabled?: boolean;
  inline?: boolean;
}) {
  return (
    <div
      className={`utrecht-form-fieldset${error ? " utrecht-form-fieldset--invalid" : ""}${inline ? " radio-inline" : ""}`}
    >
      <fieldset
        className="utrecht-form-fieldset__fieldset utrecht-form-fieldset--html-fieldset"
        aria-describedby={describedBy(id, description, error)}
        disabled={disabled}
      >
        <FieldsetLegend>{legend}</FieldsetLegend>
        {description && (
          <FormFieldDescription id={`${id}-uitleg`}>{description}</FormFieldDescription>
        )}
        {error && <FormFieldErrorMessage id={`${id}-fout`}>{error}</FormFieldErrorMessage>}
        {options.map((o) => {
          const oid = `${id}-${o.value}`;
          return (
            <FormField key={o.value} type="radio">
              <div className="utrecht-form-field__input">
                <RadioButton
                  id={oid}
                  name={name}
                  value={o.value}
                  checked={value === o.value}
                  onChange={() => onChange(o.value)}
                  aria-describedby={o.description ? `${oid}-uitleg` : undefined}
                />
              </div>
              <div className="utrecht-form-field__label">
                <FormLabel htmlFor={oid} type="radio">
                  {o.label}
                </FormLabel>
              </div>
              {o.description && (
                <FormFieldDescription id={`${oid}-uitleg`}>{o.description}</FormFieldDescription>
              )}
            </FormField>
          );
        })}
      </fieldset>
    </div>
  );
}
