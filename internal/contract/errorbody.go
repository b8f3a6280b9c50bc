package contract

import "encoding/json"

// errorBodyOK reports whether body is a JSON object of one of the documented
// error shapes: {error, requestId}, {message} or {code, message}. No field is
// marked required, so a shape is recognised by the fields it has; every field
// present must have its documented type, and at least one of "error" and
// "message" must be there.
func (k *Contract) errorBodyOK(status int, body []byte) bool {
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(body, &obj); err != nil || obj == nil {
		return false
	}
	isString := func(raw json.RawMessage) bool {
		var s string
		return json.Unmarshal(raw, &s) == nil
	}
	isNumber := func(raw json.RawMessage) bool {
		var n float64
		return json.Unmarshal(raw, &n) == nil
	}
	_, hasErr := obj["error"]
	_, hasMsg := obj["message"]
	if !hasErr && !hasMsg {
		return false
	}
	for name, raw := range obj {
		switch name {
		case "error", "requestId", "message":
			if !isString(raw) {
				return false
			}
		case "code":
			if !isNumber(raw) {
				return false
			}
		}
	}
	return true
}
